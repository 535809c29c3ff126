from django import forms
from dsfr.forms import DsfrBaseForm

from cnfs.committee.enums import Decision
from cnfs.committee.imports import MAX_BYTES, MAX_BYTES_LABEL
from cnfs.funding.enums import PostKind

OBSERVATION_MAX_LENGTH = 2000


class SessionCreateForm(DsfrBaseForm):
    session_date = forms.DateField(
        label="Date de la session", widget=forms.DateInput(attrs={"type": "date"})
    )
    number = forms.IntegerField(
        label="Numéro",
        required=False,
        min_value=1,
        help_text="Laissez vide pour prendre le numéro suivant.",
    )


class DecisionForm(DsfrBaseForm):
    """One agenda row; its controls are drawn by hand in the row template (300 per page)."""

    decision = forms.ChoiceField(
        label="Décision",
        choices=Decision.choices,
        error_messages={"required": "Choisissez une décision."},
    )
    posts = forms.IntegerField(
        label="Postes",
        required=False,
        min_value=1,
        error_messages={
            "invalid": "Le nombre de postes est un nombre entier.",
            "min_value": "Indiquez au moins 1 poste accordé.",
        },
    )
    priority = forms.BooleanField(label="Prioritaire", required=False)
    post_kind = forms.ChoiceField(
        label="Nature des postes",
        choices=PostKind.choices,
        required=False,
        error_messages={"invalid_choice": "Choisissez la nature des postes accordés."},
    )
    duplicate_reason = forms.CharField(
        label="Motif de l’attribution malgré le doublon possible",
        required=False,
        max_length=OBSERVATION_MAX_LENGTH,
    )
    observation = forms.CharField(
        label="Observation", required=False, max_length=OBSERVATION_MAX_LENGTH
    )


class AgendaFilterForm(DsfrBaseForm):
    departement = forms.ChoiceField(label="Département", required=False)
    undecided = forms.BooleanField(label="Points non décidés seulement", required=False)
    libraries_first = forms.BooleanField(
        label="Bibliothèques en commune rurale d’abord", required=False
    )

    def __init__(self, *args, departements=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departement"].choices = [("", "Tous")] + [
            (d.code, f"{d.code} — {d.name}") for d in departements
        ]


class CloseSessionForm(DsfrBaseForm):
    confirm = forms.BooleanField(
        label="Je confirme la clôture : les décisions seront appliquées et notifiées.",
        error_messages={"required": "Cochez la case pour confirmer la clôture."},
    )


class MinutesImportForm(DsfrBaseForm):
    file = forms.FileField(
        label="Procès-verbal (fichier CSV)",
        help_text=(
            f"Colonnes siret;decision;postes;prioritaire;observation — {MAX_BYTES_LABEL} "
            "et 2 000 lignes au plus."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > MAX_BYTES:
            raise forms.ValidationError(
                f"Le fichier pèse {file.size / 1024 / 1024:.1f} Mo : "
                f"la taille maximale est {MAX_BYTES_LABEL}."
            )
        return file
