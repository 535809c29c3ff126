"""The structure's recruitment pages: filters, decline, contract, end and renewal."""

from decimal import Decimal

from django import forms
from dsfr.forms import DsfrBaseForm

from cnfs.common.money import to_cents
from cnfs.contracts.enums import ContractKind, EndReason
from cnfs.matching.enums import DeclineReason, ProposalStatus
from cnfs.www.funding.forms import DateInput, EuroAmountField

COMMENT_MAX_LENGTH = 500

P = ProposalStatus
# Tabs of the proposals page: the open ones by default.
TABS = {
    "open": ("À examiner", [P.PROPOSED, P.SHORTLISTED]),
    "declined": ("Refusés", [P.DECLINED]),
    "requested": ("Recrutement demandé", [P.RECRUITMENT_REQUESTED]),
    "recruited": ("Recrutés", [P.RECRUITED, P.ENDED]),
}
SEARCH_DISTANCES = [(5, "5 km"), (10, "10 km"), (20, "20 km"), (40, "40 km"), (100, "100 km")]
DEFAULT_SEARCH_KM = 40


class CandidateFilterForm(DsfrBaseForm):
    """What a structure may require of a profile, on the proposals and the search pages."""

    pix_min = forms.TypedChoiceField(
        label="Niveau Pix minimum",
        choices=[("", "Tous"), (1, "1 et plus"), (2, "2 et plus"), (3, "3")],
        coerce=int,
        empty_value=None,
        required=False,
    )
    diploma = forms.BooleanField(label="Diplômé(e) en médiation numérique", required=False)
    has_cv = forms.BooleanField(label="Avec un CV", required=False)
    trained = forms.BooleanField(label="Déjà formé(e) (ancien conseiller)", required=False)

    def filter(self, queryset, prefix: str = ""):
        """``prefix`` leads from the queryset's model to the candidate (``candidate__``)."""
        data = self.cleaned_data
        if data["pix_min"]:
            queryset = queryset.filter(**{f"{prefix}pix_level__gte": data["pix_min"]})
        if data["diploma"]:
            queryset = queryset.filter(**{f"{prefix}has_diploma": True})
        if data["has_cv"]:
            queryset = queryset.exclude(**{f"{prefix}cv": ""})
        if data["trained"]:
            queryset = queryset.filter(**{f"{prefix}former_advisor": True})
        return queryset


class ProposalFilterForm(CandidateFilterForm):
    tab = forms.ChoiceField(
        label="Mises en relation",
        choices=[(key, label) for key, (label, _) in TABS.items()],
        required=False,
    )
    max_distance = forms.TypedChoiceField(
        label="Distance maximale",
        choices=[("", "Toutes")] + SEARCH_DISTANCES,
        coerce=int,
        empty_value=None,
        required=False,
    )
    sort = forms.ChoiceField(
        label="Trier par",
        choices=[
            ("pertinence", "Pertinence"),
            ("distance", "Distance"),
            ("availability", "Disponibilité"),
        ],
        required=False,
    )

    field_order = ["pix_min", "max_distance", "sort", "diploma", "has_cv", "trained"]

    def filter(self, queryset, prefix: str = "candidate__"):
        queryset = super().filter(queryset, prefix)
        if self.cleaned_data["max_distance"]:
            queryset = queryset.filter(distance_km__lte=self.cleaned_data["max_distance"])
        return queryset


class SearchForm(CandidateFilterForm):
    distance = forms.TypedChoiceField(
        label="Dans un rayon de",
        choices=SEARCH_DISTANCES,
        coerce=int,
        required=False,
        empty_value=DEFAULT_SEARCH_KM,
    )
    sort = forms.ChoiceField(
        label="Trier par",
        choices=[("distance", "Distance"), ("availability", "Disponibilité")],
        required=False,
    )

    field_order = ["distance", "pix_min", "sort", "diploma", "has_cv", "trained"]


class DeclineForm(DsfrBaseForm):
    reason = forms.ChoiceField(
        label="Motif du refus",
        choices=[("", "Choisissez un motif")] + DeclineReason.choices,
        error_messages={"required": "Choisissez un motif de refus."},
    )
    comment = forms.CharField(
        label="Commentaire (facultatif)", required=False, max_length=COMMENT_MAX_LENGTH
    )


class HoursField(forms.DecimalField):
    """Weekly hours, with a decimal comma if need be (17,5)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 4)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("1"))
        kwargs.setdefault("max_value", Decimal("48"))
        super().__init__(**kwargs)
        self.error_messages["invalid"] = "Saisissez un nombre d’heures, par exemple 35 ou 17,5."

    def widget_attrs(self, widget):
        return {"inputmode": "decimal"}

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace(",", ".").strip()
        return super().to_python(value)


class ContractTermsForm(DsfrBaseForm):
    """Terms shared by a recruitment and a renewal; the services check them (SMIC, dates)."""

    kind = forms.ChoiceField(
        label="Type de contrat",
        choices=[("", "Choisissez le type de contrat")] + ContractKind.choices,
        error_messages={"required": "Choisissez le type de contrat."},
    )
    end_date = forms.DateField(
        label="Date de fin",
        required=False,
        widget=DateInput,
        help_text="Obligatoire, sauf pour un CDI ou un fonctionnaire détaché.",
    )
    weekly_hours = HoursField(
        label="Heures par semaine",
        initial=35,
        help_text="Un temps plein (35 h) est attendu.",
        widget=forms.TextInput,
    )
    gross_monthly_salary = EuroAmountField(
        label="Salaire brut mensuel (€)",
        help_text="Par exemple 1 900,00. Il ne peut être inférieur au SMIC pour ces heures.",
    )

    def service_kwargs(self) -> dict:

        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "end_date": data["end_date"],
            "weekly_hours": data["weekly_hours"],
            "salary_cents": to_cents(data["gross_monthly_salary"]),
        }


class RecruitmentForm(ContractTermsForm):
    start_date = forms.DateField(
        label="Date de début",
        widget=DateInput,
        error_messages={"required": "Indiquez la date de début du contrat."},
    )

    field_order = ["kind", "start_date", "end_date", "weekly_hours", "gross_monthly_salary"]

    def service_kwargs(self) -> dict:
        return {**super().service_kwargs(), "start_date": self.cleaned_data["start_date"]}


class RenewalForm(ContractTermsForm):
    """A renewal or an extension starts the day after the current contract ends."""


class EndContractForm(DsfrBaseForm):
    ended_on = forms.DateField(
        label="Date de fin effective",
        widget=DateInput,
        error_messages={"required": "Indiquez la date de fin du contrat."},
    )
    reason = forms.ChoiceField(
        label="Motif",
        choices=[("", "Choisissez un motif")] + EndReason.choices,
        error_messages={"required": "Choisissez le motif de la fin du contrat."},
    )
