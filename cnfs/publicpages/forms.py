from django import forms
from dsfr.forms import DsfrBaseForm


class ContactForm(DsfrBaseForm):
    organisation = forms.CharField(
        label="Organisme",
        max_length=200,
        help_text="Par exemple : Direction départementale des territoires du Jura (DDT).",
    )
    email = forms.EmailField(
        label="Adresse e-mail",
        required=False,
        help_text="Format attendu : nom@domaine.fr",
        error_messages={"invalid": "Saisissez une adresse e-mail valide (nom@domaine.fr)."},
    )
    phone = forms.RegexField(
        label="Téléphone",
        required=False,
        max_length=20,
        regex=r"^\+?[0-9 .]{8,19}$",
        help_text="Par exemple : 03 84 86 80 00",
        error_messages={"invalid": "Saisissez un numéro de téléphone (chiffres et espaces)."},
    )
    url = forms.URLField(
        label="Page web",
        required=False,
        assume_scheme="https",
        help_text="Adresse commençant par https://",
        error_messages={"invalid": "Saisissez une adresse web valide (https://…)."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.attrs.update({"autocomplete": "tel", "type": "tel"})
        self.fields["url"].widget.attrs["autocomplete"] = "url"
        self.fields["organisation"].widget.attrs["autocomplete"] = "organization"
