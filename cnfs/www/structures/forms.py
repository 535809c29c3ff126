from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from dsfr.forms import DsfrBaseForm
from dsfr.utils import dsfr_input_class_attr

from cnfs.common.validators import (
    normalize_french_phone,
    phone_national,
    single_line,
    validate_siret,
)
from cnfs.structures.enums import (
    COMMITMENTS,
    AdditionReason,
    GivebackReason,
    LegalType,
    RequestKind,
    StructureStatus,
)
from cnfs.structures.models import MOTIVATION_MAX_LENGTH
from cnfs.structures.services import APPLICATION_FIELDS, MAX_POSTS_PER_REQUEST
from cnfs.www.territories.forms import CommuneField

MOTIVATION_LIMIT_LABEL = f"{MOTIVATION_MAX_LENGTH:,}".replace(",", "\u202f")


class FrenchPhoneField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("help_text", "Format attendu : 03 84 12 34 56 ou +33 3 84 12 34 56.")
        super().__init__(**kwargs)
        self.widget.input_type = "tel"
        self.widget.attrs["autocomplete"] = "tel"

    def prepare_value(self, value):
        # Stored in E.164, shown as people write it (what they type is shown as typed).
        return phone_national(value) if isinstance(value, str) and value.startswith("+") else value

    def clean(self, value):
        value = super().clean(value)
        return normalize_french_phone(value) if value else value


class SiretField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", "SIRET")
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "help_text", "14 chiffres, espaces permis : le SIRET de l’établissement employeur."
        )
        super().__init__(**kwargs)
        self.widget.attrs["inputmode"] = "numeric"

    def clean(self, value):
        value = super().clean(value)
        if value:
            validate_siret(value)
        return value.replace(" ", "")


class MotivationField(forms.CharField):
    """A text area with a live character counter (the count is announced politely)."""

    template_name = "structures/widgets/counted_textarea.html"

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 8}))
        super().__init__(**kwargs)

    def to_python(self, value):
        # Browsers count a line break as one character, as the counter does.
        return super().to_python(value).replace("\r\n", "\n")


class ApplicationForm(DsfrBaseForm):
    """The public application of a host structure (DOMAIN §3.1)."""

    legal_type = forms.ChoiceField(
        label="Type juridique",
        choices=[("", "Choisissez le type de la structure")] + LegalType.choices,
        error_messages={"required": "Choisissez le type juridique de la structure."},
    )
    name = forms.CharField(
        validators=[single_line],
        label="Nom de la structure",
        max_length=200,
        error_messages={"required": "Indiquez le nom de la structure."},
    )
    is_library = forms.BooleanField(
        label="La structure est une bibliothèque ou une médiathèque",
        required=False,
        help_text="Les bibliothèques des communes rurales sont prioritaires.",
    )
    siret = SiretField(error_messages={"required": "Indiquez le SIRET de la structure."})
    address = forms.CharField(
        validators=[single_line],
        label="Adresse",
        max_length=250,
        help_text="Numéro et voie (la commune est demandée ci-dessous).",
        error_messages={"required": "Indiquez l’adresse de la structure."},
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    commune = CommuneField()
    contact_first_name = forms.CharField(
        validators=[single_line],
        label="Prénom",
        max_length=100,
        error_messages={"required": "Indiquez le prénom de la personne à contacter."},
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    contact_last_name = forms.CharField(
        validators=[single_line],
        label="Nom",
        max_length=100,
        error_messages={"required": "Indiquez le nom de la personne à contacter."},
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    contact_role = forms.CharField(
        validators=[single_line],
        label="Fonction",
        max_length=150,
        help_text="Par exemple : directrice générale des services, président de l’association.",
        error_messages={"required": "Indiquez la fonction de la personne à contacter."},
    )
    contact_email = forms.EmailField(
        label="Adresse e-mail",
        max_length=254,
        help_text="Un lien de confirmation y sera envoyé ; elle servira à suivre la candidature.",
        error_messages={
            "required": "Indiquez l’adresse e-mail de la personne à contacter.",
            "invalid": "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    contact_phone = FrenchPhoneField(
        label="Téléphone",
        error_messages={"required": "Indiquez le téléphone de la personne à contacter."},
    )
    posts_requested = forms.IntegerField(
        label="Nombre de conseillers numériques souhaités",
        min_value=1,
        max_value=MAX_POSTS_PER_REQUEST,
        initial=1,
        error_messages={
            "required": "Indiquez le nombre de conseillers souhaités.",
            "invalid": "Saisissez un nombre entier.",
            "min_value": "Demandez au moins 1 conseiller.",
            "max_value": f"Demandez au plus {MAX_POSTS_PER_REQUEST} conseillers.",
        },
    )
    desired_start_date = forms.DateField(
        label="Date de démarrage souhaitée de la mission",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Indiquez la date de démarrage souhaitée.",
            "invalid": "Saisissez une date valide (jj/mm/aaaa).",
        },
    )
    motivation = MotivationField(
        label="Motivation",
        max_length=MOTIVATION_MAX_LENGTH,
        help_text=(
            "Les publics que le conseiller accompagnera, les lieux où il interviendra, "
            f"les partenaires ({MOTIVATION_LIMIT_LABEL} caractères au plus)."
        ),
        error_messages={
            "required": "Expliquez en quelques lignes la motivation de la structure.",
            "max_length": (
                "La motivation compte %(show_value)d caractères : "
                "%(limit_value)d au plus sont permis."
            ),
        },
    )
    label_france_services = forms.BooleanField(
        label="La structure est labellisée France Services", required=False
    )
    label_aidants_connect = forms.BooleanField(
        label="La structure est habilitée Aidants Connect", required=False
    )
    identified_candidate = forms.CharField(
        label="Candidat déjà identifié",
        max_length=250,
        required=False,
        help_text="Si la structure connaît déjà la personne qu’elle souhaite recruter : "
        "son nom et son adresse e-mail.",
    )

    FIELDSETS = [
        ("La structure", ["legal_type", "name", "is_library", "siret", "address", "commune"]),
        (
            "La personne à contacter",
            [
                "contact_first_name",
                "contact_last_name",
                "contact_role",
                "contact_email",
                "contact_phone",
            ],
        ),
        (
            "La demande",
            [
                "posts_requested",
                "desired_start_date",
                "motivation",
                "label_france_services",
                "label_aidants_connect",
                "identified_candidate",
            ],
        ),
        ("Les engagements de la structure", [name for name, _ in COMMITMENTS]),
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in COMMITMENTS:
            self.fields[name] = forms.BooleanField(
                label=f"La structure s’engage à : {label[0].lower()}{label[1:]}",
                error_messages={
                    "required": (
                        "Cet engagement est obligatoire : cochez la case pour que la "
                        "candidature soit recevable."
                    )
                },
            )
            dsfr_input_class_attr(self[name])

    def fieldsets(self):
        return [(legend, [self[name] for name in names]) for legend, names in self.FIELDSETS]

    def clean_desired_start_date(self):
        value = self.cleaned_data["desired_start_date"]
        if value < timezone.localdate():
            raise ValidationError(
                "La date de démarrage ne peut être dans le passé : choisissez aujourd’hui "
                "ou une date à venir."
            )
        return value

    def application_data(self) -> dict:
        """What services.submit_application expects."""
        return {name: self.cleaned_data[name] for name in APPLICATION_FIELDS}


class DuplicateForm(DsfrBaseForm):
    reason = forms.CharField(
        label="Motif",
        max_length=1000,
        help_text="Par exemple : même structure que la candidature n° 123 déposée le 3 mars.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Indiquez pourquoi cette candidature est un doublon."},
    )


class NotDuplicateForm(DsfrBaseForm):
    reason = forms.CharField(
        label="Motif",
        max_length=1000,
        help_text="Par exemple : deux établissements distincts de la même association.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Indiquez pourquoi ce n’est pas un doublon."},
    )


AMENDMENT_KINDS = [
    (RequestKind.ADDITION, "Ajouter des postes"),
    (RequestKind.GIVEBACK, "Rendre des postes"),
]


class AmendmentForm(DsfrBaseForm):
    kind = forms.ChoiceField(
        label="Nature de l’avenant",
        choices=AMENDMENT_KINDS,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez un ajout ou un rendu de postes."},
    )
    posts = forms.IntegerField(
        label="Nombre de postes",
        min_value=1,
        max_value=MAX_POSTS_PER_REQUEST,
        error_messages={
            "required": "Indiquez le nombre de postes.",
            "invalid": "Saisissez un nombre entier.",
            "min_value": "Le nombre de postes est au moins 1.",
            "max_value": f"Le nombre de postes est au plus {MAX_POSTS_PER_REQUEST}.",
        },
    )
    reason = forms.ChoiceField(
        label="Motif",
        choices=[
            ("", "Choisissez un motif"),
            ("Ajout de postes", AdditionReason.choices),
            ("Rendu de postes", GivebackReason.choices),
        ],
        error_messages={"required": "Choisissez un motif."},
    )
    comment = forms.CharField(
        label="Précisions",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, structure, **kwargs):
        super().__init__(*args, **kwargs)
        self.structure = structure
        # The bound field (created by DsfrBaseForm) keeps its own copy of the help text.
        self.fields["posts"].help_text = self["posts"].help_text = (
            f"La structure dispose de {structure.granted_posts} poste(s) attribué(s), "
            f"dont {structure.occupied_posts} occupé(s)."
        )

    def clean(self):
        cleaned = super().clean()
        kind, reason = cleaned.get("kind"), cleaned.get("reason")
        if kind and reason:
            reasons = AdditionReason if kind == RequestKind.ADDITION else GivebackReason
            if reason not in reasons.values:
                self.add_error(
                    "reason",
                    "Ce motif ne correspond pas à la nature choisie : choisissez un motif "
                    + ("d’ajout." if kind == RequestKind.ADDITION else "de rendu de postes."),
                )
        return cleaned


class StructureFilterForm(DsfrBaseForm):
    """The filters of the structures list (every field optional)."""

    ORDERS = {
        "recent": ("-created_at", "-id"),
        "oldest": ("created_at", "id"),
        "name": ("name", "id"),
    }

    q = forms.CharField(label="Nom ou SIRET", required=False, max_length=200)
    status = forms.ChoiceField(
        label="Statut",
        required=False,
        choices=[("", "Tous les statuts")] + StructureStatus.choices,
    )
    departement = forms.ChoiceField(label="Département", required=False)
    duplicates = forms.BooleanField(label="Doublons possibles seulement", required=False)
    order = forms.ChoiceField(
        label="Tri",
        required=False,
        choices=[
            ("recent", "Les plus récentes d’abord"),
            ("oldest", "Les plus anciennes d’abord"),
            ("name", "Par nom"),
        ],
    )

    def __init__(self, *args, departements=None, duplicates=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not duplicates:
            del self.fields["duplicates"]
        if departements is None:
            del self.fields["departement"]
        else:
            self.fields["departement"].choices = [("", "Tous les départements")] + [
                (d.code, f"{d.code} — {d.name}") for d in departements
            ]

    def filter(self, structures):
        """``structures`` filtered by everything but the status (kept for the counts)."""
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("q"):
            text = data["q"].strip()
            digits = text.replace(" ", "")
            if digits.isdigit():
                structures = structures.filter(siret__startswith=digits)
            else:
                structures = structures.filter(name__icontains=text)
        if data.get("departement"):
            structures = structures.filter(departement_id=data["departement"])
        if data.get("duplicates"):
            structures = structures.filter(possible_duplicate_of__isnull=False)
        return structures

    def status_filter(self, structures):
        data = self.cleaned_data if self.is_valid() else {}
        return structures.filter(status=data["status"]) if data.get("status") else structures

    def ordering(self):
        data = self.cleaned_data if self.is_valid() else {}
        return self.ORDERS.get(data.get("order") or "recent")
