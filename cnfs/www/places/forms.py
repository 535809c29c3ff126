from django import forms
from django.urls import reverse_lazy
from dsfr.forms import DsfrBaseForm

from cnfs.common.validators import single_line
from cnfs.places import hours
from cnfs.places.enums import Access, Fees, Public, Service
from cnfs.places.services import (
    EDITABLE_FIELDS,
    Label,
    normalize_address,
    validate_appointment_url,
)
from cnfs.www.structures.forms import FrenchPhoneField, SiretField
from cnfs.www.territories.forms import CommuneField

ITINERANT_CHOICES = [
    ("fixed", "Lieu fixe"),
    ("itinerant", "Itinérant (permanences tournantes, bus numérique…)"),
]


class OpeningHoursField(forms.CharField):
    def clean(self, value):
        return hours.validate(super().clean(value))


class PlaceForm(DsfrBaseForm):
    """Every field of a place of activity (DOMAIN §5.1)."""

    structure = forms.TypedChoiceField(
        label="Structure", coerce=int, error_messages={"required": "Choisissez la structure."}
    )
    name = forms.CharField(
        validators=[single_line],
        label="Nom du lieu",
        max_length=200,
        help_text="Par exemple : Médiathèque Jean-Moulin, Espace France Services de Dole.",
        error_messages={"required": "Indiquez le nom du lieu."},
    )
    address = forms.CharField(
        validators=[single_line],
        label="Adresse",
        max_length=250,
        help_text="Numéro et voie (la commune est demandée ci-dessous).",
        error_messages={"required": "Indiquez l’adresse du lieu."},
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    commune = CommuneField()
    latitude = forms.FloatField(
        label="Latitude",
        required=False,
        min_value=-90,
        max_value=90,
        help_text="Laissez vide pour placer le lieu au centre de la commune.",
        error_messages={"invalid": "Saisissez un nombre décimal, par exemple 47,09."},
    )
    longitude = forms.FloatField(
        label="Longitude",
        required=False,
        min_value=-180,
        max_value=180,
        help_text="Laissez vide pour placer le lieu au centre de la commune.",
        error_messages={"invalid": "Saisissez un nombre décimal, par exemple 5,49."},
    )
    siret = SiretField(
        label="SIRET du lieu",
        required=False,
        help_text="14 chiffres, espaces permis ; seulement si le lieu a son propre SIRET.",
    )
    phone = FrenchPhoneField(label="Téléphone", required=False)
    email = forms.EmailField(
        label="Adresse e-mail",
        required=False,
        error_messages={
            "invalid": "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr."
        },
    )
    website = forms.URLField(
        label="Site web",
        required=False,
        assume_scheme="https",
        help_text="Par exemple : https://www.mediatheque-dole.fr",
        error_messages={"invalid": "Saisissez une adresse web valide."},
    )
    appointment_url = forms.CharField(
        label="Lien de prise de rendez-vous",
        required=False,
        max_length=500,
        validators=[validate_appointment_url],
        help_text="Adresse https d’un service de rendez-vous en ligne, par exemple "
        "RDV Service Public : https://rdv.anct.gouv.fr/…",
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )
    opening_hours = OpeningHoursField(
        label="Horaires d’ouverture",
        required=False,
        max_length=hours.MAX_LENGTH,
        help_text=(
            "Au format OpenStreetMap : jours en anglais abrégés (Mo, Tu, We, Th, Fr, Sa, Su ; "
            "PH pour les jours fériés), heures sur 24 h. Exemple : "
            "Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off"
        ),
        widget=forms.TextInput(
            attrs={
                "hx-get": reverse_lazy("places:hours_preview"),
                "hx-trigger": "input changed delay:400ms",
                "hx-target": "#hours-preview",
                "hx-swap": "innerHTML",
                "spellcheck": "false",
                "autocomplete": "off",
            }
        ),
    )
    access = forms.ChoiceField(
        label="Accès",
        choices=Access.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez les conditions d’accès."},
    )
    itinerant = forms.ChoiceField(
        label="Lieu fixe ou itinérant",
        choices=ITINERANT_CHOICES,
        initial="fixed",
        widget=forms.RadioSelect,
        error_messages={"required": "Indiquez si le lieu est fixe ou itinérant."},
    )
    services = forms.MultipleChoiceField(
        label="Services proposés",
        required=False,
        choices=Service.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    publics = forms.MultipleChoiceField(
        label="Publics accueillis",
        required=False,
        choices=Public.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    fees = forms.ChoiceField(label="Tarifs", choices=Fees.choices, initial=Fees.FREE)
    labels = forms.MultipleChoiceField(
        label="Labels",
        required=False,
        choices=Label.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    visible_on_map = forms.BooleanField(
        label="Afficher ce lieu sur la carte publique des conseillers numériques",
        required=False,
        initial=True,
    )
    advisors = forms.ModelMultipleChoiceField(
        label="Conseillers qui y travaillent",
        required=False,
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )
    main = forms.BooleanField(label="C’est mon lieu principal", required=False)

    FIELDSETS = [
        ("Le lieu", ["structure", "name", "address", "commune", "latitude", "longitude", "siret"]),
        ("Contact", ["phone", "email", "website", "appointment_url"]),
        ("Accueil", ["opening_hours", "access", "itinerant", "fees", "visible_on_map"]),
        ("Services, publics et labels", ["services", "publics", "labels"]),
        ("Conseillers", ["advisors", "main"]),
    ]

    def __init__(self, *args, structures, advisors, is_advisor, **kwargs):
        """``structures``: those the place may belong to (creation only, else empty);
        ``advisors``: the advisors one may say work there; ``is_advisor``: the person
        filling the form is an advisor (who always works there)."""
        super().__init__(*args, **kwargs)
        if len(structures) > 1:
            self.fields["structure"].choices = [("", "Choisissez la structure")] + [
                (s.pk, s.name) for s in structures
            ]
        else:
            del self.fields["structure"]
        self.fields["advisors"].queryset = advisors
        if is_advisor:
            self.fields["advisors"].label = "Collègues qui y travaillent aussi"
            self.fields["advisors"].help_text = "Vous y travaillez : vous êtes rattaché(e) au lieu."
        else:
            del self.fields["main"]
        self.fields["advisors"].label_from_instance = lambda user: user.full_name or user.email

    def fieldsets(self):
        return [
            (legend, [self[name] for name in names if name in self.fields])
            for legend, names in self.FIELDSETS
        ]

    def place_data(self) -> dict:
        """What services.create_place and update_place expect as place fields."""
        data = {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}
        data["itinerant"] = data["itinerant"] == "itinerant"
        return data

    def duplicate_key(self) -> str:
        """What the "create anyway" button confirms: this address in this commune."""
        commune = self.cleaned_data.get("commune")
        address = normalize_address(self.cleaned_data.get("address", ""))
        return f"{commune.pk if commune else ''}|{address}"


def place_initial(place) -> dict:
    initial = {name: getattr(place, name) for name in EDITABLE_FIELDS}
    initial["itinerant"] = "itinerant" if place.itinerant else "fixed"
    return initial
