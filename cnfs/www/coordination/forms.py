from django import forms
from dsfr.forms import DsfrBaseForm

from cnfs.coordination.enums import ActivityKind


class ActivityForm(DsfrBaseForm):
    date = forms.DateField(
        label="Date",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Indiquez la date de l’activité.",
            "invalid": "La date est au format JJ/MM/AAAA.",
        },
    )
    kind = forms.ChoiceField(
        label="Nature",
        choices=ActivityKind.choices,
        error_messages={
            "required": "Choisissez la nature de l’activité.",
            "invalid_choice": "Choisissez la nature de l’activité.",
        },
    )
    title = forms.CharField(
        label="Intitulé",
        max_length=200,
        error_messages={"required": "Indiquez l’intitulé de l’activité."},
    )
    participants = forms.IntegerField(
        label="Nombre de participants",
        min_value=0,
        max_value=10_000,
        error_messages={
            "required": "Indiquez le nombre de participants.",
            "invalid": "Le nombre de participants est un nombre entier.",
        },
    )
    duration_minutes = forms.IntegerField(
        label="Durée (minutes)",
        min_value=1,
        max_value=24 * 60,
        error_messages={
            "required": "Indiquez la durée en minutes.",
            "invalid": "La durée est un nombre entier de minutes.",
        },
    )


class InviteForm(DsfrBaseForm):
    email = forms.EmailField(
        label="Adresse e-mail du conseiller à coordonner",
        error_messages={
            "required": "Indiquez l’adresse e-mail du conseiller.",
            "invalid": "Indiquez une adresse e-mail valide.",
        },
    )


class DeclareMembershipForm(DsfrBaseForm):
    structure = forms.ChoiceField(label="Structure")
    network = forms.ChoiceField(label="Réseau national")

    def __init__(self, *args, structures=(), networks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].choices = list(structures)
        self.fields["network"].choices = list(networks)
