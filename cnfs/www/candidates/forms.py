from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.html import format_html
from dsfr.forms import DsfrBaseForm

from cnfs.candidates.enums import MaxDistance, Situation
from cnfs.candidates.models import MOTIVATION_MAX_LENGTH
from cnfs.candidates.services import check_cv
from cnfs.common.validators import single_line
from cnfs.www.structures.forms import FrenchPhoneField, MotivationField
from cnfs.www.territories.forms import CommuneField

MOTIVATION_LIMIT_LABEL = f"{MOTIVATION_MAX_LENGTH:,}".replace(",", "\u202f")
YES_NO = [(True, "Oui"), (False, "Non")]
PIX_LEVELS = [
    ("", "Je n’ai pas de résultat Pix"),
    (1, "Niveau 1"),
    (2, "Niveau 2"),
    (3, "Niveau 3"),
]
DATE_PAST_ERROR = (
    "La date de disponibilité ne peut être dans le passé : choisissez aujourd’hui ou une date "
    "à venir."
)
CONSENT_HELP = lazy(
    lambda: format_html(
        "Vos données servent uniquement à proposer votre profil aux structures qui recrutent "
        "dans la zone que vous choisissez. L’équipe nationale (ANCT) les consulte ; votre "
        "CV n’est montré qu’aux structures qui vous présélectionnent, jamais publiquement. "
        "Vous pouvez à tout moment les modifier, retirer votre candidature ou la supprimer "
        "depuis votre espace : vos données sont alors effacées. "
        '<a href="{}">En savoir plus sur vos données personnelles</a>.',
        reverse_lazy("web:privacy"),
    ),
    str,
)


class InlineRadioSelect(forms.RadioSelect):
    inline = True  # the DSFR radio snippet puts short choices side by side


class YesNoField(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            choices=YES_NO,
            coerce=lambda value: value in (True, "True"),
            widget=InlineRadioSelect,
            **kwargs,
        )


class PdfInput(forms.FileInput):
    """A DSFR upload field that offers PDF files only (the content is checked anyway)."""

    group_class = "fr-upload-group"

    def __init__(self, attrs=None):
        super().__init__({"class": "fr-upload", "accept": "application/pdf", **(attrs or {})})


class PixScoreField(forms.IntegerField):
    def __init__(self, **kwargs):
        super().__init__(
            required=False,
            min_value=0,
            max_value=100,
            error_messages={
                "invalid": "Saisissez un nombre entier entre 0 et 100.",
                "min_value": "Le score est au moins 0.",
                "max_value": "Le score est au plus 100.",
            },
            **kwargs,
        )


class ProfileFields(DsfrBaseForm):
    """What the application and the candidate's space share (DOMAIN §4.1)."""

    phone = FrenchPhoneField(
        label="Téléphone",
        error_messages={"required": "Indiquez votre numéro de téléphone."},
    )
    commune = CommuneField(
        label="Commune de résidence",
        error_messages={"required": "Indiquez votre commune de résidence."},
    )
    max_distance_km = forms.TypedChoiceField(
        label="Distance maximale que vous acceptez de parcourir pour travailler",
        choices=MaxDistance.choices,
        coerce=int,
        initial=MaxDistance.KM_20,
        widget=InlineRadioSelect,
        help_text="« Partout » : vous acceptez un poste n’importe où en France.",
        error_messages={"required": "Choisissez une distance maximale."},
    )
    available_from = forms.DateField(
        label="Date à partir de laquelle vous êtes disponible",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Indiquez la date à partir de laquelle vous êtes disponible.",
            "invalid": "Saisissez une date valide (jj/mm/aaaa).",
        },
    )
    situation = forms.ChoiceField(
        label="Votre situation actuelle",
        choices=Situation.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Indiquez votre situation actuelle."},
    )
    has_diploma = YesNoField(
        label="Avez-vous un diplôme en médiation numérique ?",
        error_messages={"required": "Indiquez si vous avez un diplôme en médiation numérique."},
    )
    diploma_name = forms.CharField(
        validators=[single_line],
        label="Intitulé du diplôme",
        max_length=200,
        required=False,
        help_text="Obligatoire si vous avez un diplôme en médiation numérique.",
    )
    has_experience = YesNoField(
        label="Avez-vous déjà une expérience en médiation numérique ?",
        help_text="Salariée ou bénévole : accompagner des personnes dans leurs usages numériques.",
        error_messages={"required": "Indiquez si vous avez une expérience en médiation."},
    )
    motivation = MotivationField(
        label="Motivation",
        max_length=MOTIVATION_MAX_LENGTH,
        help_text=(
            "Pourquoi souhaitez-vous devenir conseiller numérique ? "
            f"({MOTIVATION_LIMIT_LABEL} caractères au plus)"
        ),
        error_messages={
            "required": "Expliquez en quelques lignes votre motivation.",
            "max_length": (
                "La motivation compte %(show_value)d caractères : "
                "%(limit_value)d au plus sont permis."
            ),
        },
    )
    cv = forms.FileField(
        label="CV",
        required=False,
        widget=PdfInput,
        help_text="Format PDF, 5 Mo au plus. Il n’est jamais public.",
        error_messages={"empty": "Le fichier envoyé est vide."},
    )
    pix_level = forms.TypedChoiceField(
        label="Niveau Pix",
        choices=PIX_LEVELS,
        coerce=int,
        empty_value=None,
        required=False,
        help_text="Si vous avez passé le test de compétences numériques Pix.",
    )
    pix_use = PixScoreField(label="Score Pix : usages du numérique (0 à 100)")
    pix_communication = PixScoreField(label="Score Pix : communication et collaboration (0 à 100)")
    pix_creation = PixScoreField(label="Score Pix : création de contenus (0 à 100)")

    PROFILE_NAMES = [
        "phone",
        "commune",
        "max_distance_km",
        "available_from",
        "situation",
        "has_diploma",
        "diploma_name",
        "has_experience",
        "motivation",
        "pix_level",
        "pix_use",
        "pix_communication",
        "pix_creation",
    ]

    def fieldsets(self):
        return [
            (legend, [self[name] for name in names if name in self.fields])
            for legend, names in self.FIELDSETS
        ]

    def clean_available_from(self):
        value = self.cleaned_data["available_from"]
        if value < timezone.localdate() and value != self.initial.get("available_from"):
            raise ValidationError(DATE_PAST_ERROR)
        return value

    CV_TO_CHOOSE_AGAIN = (
        "Pour votre sécurité, le navigateur ne garde pas le fichier choisi quand le formulaire "
        "revient avec une erreur : choisissez de nouveau votre CV « {name} » avant d’envoyer."
    )

    def remind_to_choose_the_cv_again(self):
        """The form came back with errors (its own or the service's): the CV the person had
        chosen is not kept by the browser. Say so at the field rather than drop it silently."""
        upload = self.files.get("cv") if self.is_bound else None
        if upload and self.errors and "cv" not in self.errors:
            self.add_error("cv", self.CV_TO_CHOOSE_AGAIN.format(name=upload.name))

    def clean_cv(self):
        upload = self.cleaned_data.get("cv")
        if upload:
            try:
                check_cv(upload)
            except ValidationError as error:
                raise ValidationError(error.message_dict["cv"]) from None
        return upload

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("has_diploma") and not cleaned.get("diploma_name", "").strip():
            self.add_error("diploma_name", "Indiquez l’intitulé de votre diplôme.")
        if cleaned.get("has_diploma") is False:
            cleaned["diploma_name"] = ""
        return cleaned

    def profile_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.PROFILE_NAMES}


class ApplicationForm(ProfileFields):
    """The public application of a candidate."""

    first_name = forms.CharField(
        validators=[single_line],
        label="Prénom",
        max_length=100,
        error_messages={"required": "Indiquez votre prénom."},
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        validators=[single_line],
        label="Nom",
        max_length=100,
        error_messages={"required": "Indiquez votre nom."},
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    email = forms.EmailField(
        label="Adresse e-mail",
        max_length=254,
        help_text="Un lien de confirmation y sera envoyé.",
        error_messages={
            "required": "Indiquez votre adresse e-mail.",
            "invalid": "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    consent = forms.BooleanField(
        label="J’accepte que mes données personnelles soient traitées pour ma candidature",
        help_text=CONSENT_HELP,
        error_messages={
            "required": "Cochez la case pour accepter le traitement de vos données : "
            "sans cela, votre candidature ne peut être examinée."
        },
    )

    FIELDSETS = [
        ("Votre identité", ["first_name", "last_name", "email", "phone"]),
        ("Votre zone et votre disponibilité", ["commune", "max_distance_km", "available_from"]),
        (
            "Votre parcours",
            ["situation", "has_diploma", "diploma_name", "has_experience", "motivation", "cv"],
        ),
        (
            "Vos compétences numériques (facultatif)",
            ["pix_level", "pix_use", "pix_communication", "pix_creation"],
        ),
        ("Vos données personnelles", ["consent"]),
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields([name for _, names in self.FIELDSETS for name in names])

    def application_data(self) -> dict:
        """What services.submit_candidate expects."""
        data = self.profile_data()
        data.update({name: self.cleaned_data[name] for name in ("first_name", "last_name")})
        data["email"] = self.cleaned_data["email"]
        data["cv"] = self.cleaned_data.get("cv") or None
        return data


class ProfileForm(ProfileFields):
    """The candidate's space: availability, zone, background, skills and CV."""

    available = forms.BooleanField(
        label="Je suis disponible pour un poste de conseiller numérique",
        required=False,
        help_text="Décochez si vous ne souhaitez plus recevoir de propositions pour le moment.",
    )
    remove_cv = forms.BooleanField(label="Supprimer mon CV", required=False)

    FIELDSETS = [
        ("Disponibilité", ["available", "available_from"]),
        ("Zone de recherche", ["commune", "max_distance_km"]),
        ("Coordonnées", ["phone"]),
        (
            "Parcours",
            ["situation", "has_diploma", "diploma_name", "has_experience", "motivation"],
        ),
        ("CV", ["cv", "remove_cv"]),
        (
            "Compétences numériques (Pix)",
            ["pix_level", "pix_use", "pix_communication", "pix_creation"],
        ),
    ]

    def __init__(self, *args, candidate, **kwargs):
        initial = {name: getattr(candidate, name) for name in self.PROFILE_NAMES}
        initial["available"] = candidate.available
        super().__init__(*args, initial=initial, **kwargs)
        self.candidate = candidate
        self.order_fields([name for _, names in self.FIELDSETS for name in names])
        if candidate.cv:
            self.fields["cv"].label = "Remplacer mon CV"
        else:
            del self.fields["remove_cv"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("cv") and cleaned.get("remove_cv"):
            self.add_error(
                "remove_cv",
                "Choisissez : envoyer un nouveau CV ou supprimer l’actuel, pas les deux.",
            )
        return cleaned

    def changes(self) -> dict:
        """What services.update_profile expects (only the profile fields)."""
        data = self.profile_data()
        data["available"] = self.cleaned_data["available"]
        return data


class ConfirmForm(DsfrBaseForm):
    """A deliberate tick before withdrawing or deleting an application."""

    confirm = forms.BooleanField(
        label="Je confirme",
        error_messages={"required": "Cochez la case pour confirmer."},
    )

    def __init__(self, *args, label: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirm"].label = self["confirm"].label = label
