from django import forms
from dsfr.forms import DsfrBaseForm

from cnfs.structures.enums import Opinion, RequestKind

# The kinds of request a prefecture gives an opinion on (a give-back needs none).
OPINION_KINDS = [
    (RequestKind.APPLICATION.value, "Candidatures"),
    (RequestKind.ADDITION.value, "Avenants d’ajout de postes"),
]


class OpinionState:
    AWAITING = "awaiting"
    GIVEN = "given"
    ALL = "all"
    CHOICES = [
        (AWAITING, "En attente de votre avis"),
        (GIVEN, "Avis donné"),
        (ALL, "Toutes les demandes en cours"),
    ]


class RequestFilterForm(DsfrBaseForm):
    """The filters of the prefecture workspace (GET)."""

    kind = forms.ChoiceField(
        label="Nature", choices=[("", "Toutes")] + OPINION_KINDS, required=False
    )
    state = forms.ChoiceField(
        label="Avis", choices=OpinionState.CHOICES, required=False, initial=OpinionState.AWAITING
    )
    departement = forms.ChoiceField(label="Département", required=False)

    def __init__(self, *args, departements=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departement"].choices = [("", "Tous")] + [
            (d.code, str(d)) for d in departements
        ]

    def filters(self) -> dict:
        """The cleaned filters, the defaults when a value is invalid."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "kind": data.get("kind") or "",
            "state": data.get("state") or OpinionState.AWAITING,
            "departement": data.get("departement") or "",
        }


class OpinionForm(DsfrBaseForm):
    opinion = forms.ChoiceField(
        label="Avis du préfet",
        choices=Opinion.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez un avis favorable ou défavorable."},
    )
    comment = forms.CharField(
        label="Commentaire",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Ce que le comité de sélection doit savoir (2 000 caractères au plus).",
        error_messages={"max_length": "Le commentaire fait au plus 2 000 caractères."},
    )
    suggested_posts = forms.IntegerField(
        label="Nombre de postes suggéré",
        required=False,
        min_value=1,
        max_value=999,
        help_text="Facultatif : le nombre de postes que vous recommandez d’attribuer.",
        error_messages={
            "min_value": "Suggérez au moins 1 poste.",
            "max_value": "Suggérez au plus 999 postes.",
            "invalid": "Saisissez un nombre entier.",
        },
    )

    # Where the errors of the service go.
    SERVICE_FIELDS = {
        "opinion": "opinion",
        "opinion_comment": "comment",
        "comment": "comment",
        "opinion_suggested_posts": "suggested_posts",
        "suggested_posts": "suggested_posts",
    }
