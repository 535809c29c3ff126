from datetime import date

from django import forms
from dsfr.forms import DsfrBaseForm


class Period:
    MONTH = "month"
    LAST_12_MONTHS = "12_months"
    YEAR = "year"
    ALL = "all"
    CUSTOM = "custom"
    CHOICES = [
        (MONTH, "Ce mois-ci"),
        (LAST_12_MONTHS, "Les 12 derniers mois"),
        (YEAR, "Cette année"),
        (ALL, "Depuis le début du programme"),
        (CUSTOM, "Entre les dates choisies"),
    ]
    DEFAULT = LAST_12_MONTHS


def period_bounds(period: str, start, end, today: date) -> tuple[date | None, date | None]:
    """The first and last days of ``period`` (None: open)."""
    if period == Period.MONTH:
        return today.replace(day=1), today
    if period == Period.YEAR:
        return today.replace(month=1, day=1), today
    if period == Period.ALL:
        return None, None
    if period == Period.CUSTOM:
        return start, end
    # The 12 months up to the current one, whole months (the monthly chart shows 12 bars).
    months = today.year * 12 + today.month - 1 - 11
    return date(months // 12, months % 12 + 1, 1), today


DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StatsFilterForm(DsfrBaseForm):
    """The period and, depending on the role, the part of the scope (GET)."""

    period = forms.ChoiceField(label="Période", choices=Period.CHOICES, required=False)
    start = forms.DateField(
        label="Du",
        required=False,
        widget=DATE_WIDGET,
        help_text="Pour « Entre les dates choisies ».",
        error_messages={"invalid": "Saisissez une date valide."},
    )
    end = forms.DateField(
        label="Au",
        required=False,
        widget=DATE_WIDGET,
        error_messages={"invalid": "Saisissez une date valide."},
    )
    region = forms.ChoiceField(label="Région", required=False)
    departement = forms.ChoiceField(label="Département", required=False)
    structure = forms.ChoiceField(label="Structure", required=False)

    def __init__(self, *args, regions=None, departements=None, structures=None, **kwargs):
        """``regions``, ``departements``, ``structures``: the (value, label) the role may
        choose from; None removes the filter."""
        super().__init__(*args, **kwargs)
        if self.is_bound and not self.data.get("period"):
            # Dates alone mean a custom period; nothing means the default one.
            self.data = self.data.copy()
            dates = self.data.get("start") or self.data.get("end")
            self.data["period"] = Period.CUSTOM if dates else Period.DEFAULT
        self.fields["period"].initial = Period.DEFAULT
        for name, options, everything in (
            ("region", regions, "Toutes"),
            ("departement", departements, "Tous"),
            ("structure", structures, "Toutes"),
        ):
            if options is None:
                del self.fields[name]
            else:
                self.fields[name].choices = [("", everything), *options]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", "La date de fin suit la date de début.")
        return data

    def bounds(self, today: date) -> tuple[date | None, date | None]:
        """The chosen period; the default one when the form is invalid."""
        if not self.is_bound or not self.is_valid():
            return period_bounds(Period.DEFAULT, None, None, today)
        data = self.cleaned_data
        return period_bounds(data["period"], data["start"], data["end"], today)
