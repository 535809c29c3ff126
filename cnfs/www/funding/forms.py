from datetime import date, timedelta
from decimal import Decimal

from django import forms
from dsfr.forms import DsfrBaseForm

from cnfs.territories.models import Departement

DUE_WINDOW_DAYS = 30
# Spaces a French amount may carry as thousands separators (typed, pasted from a sheet).
_SPACES = (" ", "\u00a0", "\u202f")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class EuroAmountField(forms.DecimalField):
    """An amount in euros, written the French way ("25 000,00", "25000,5 €")."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0.01"))
        super().__init__(**kwargs)
        self.error_messages["invalid"] = "Saisissez un montant en euros, par exemple 25 000,00."

    def widget_attrs(self, widget):
        return {"inputmode": "decimal", "autocomplete": "off"}

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("€", "").strip()
            for space in _SPACES:
                value = value.replace(space, "")
            value = value.replace(",", ".")
        return super().to_python(value)


class StructureFilterForm(DsfrBaseForm):
    departement = forms.ModelChoiceField(
        label="Département",
        queryset=Departement.objects.order_by("code"),
        required=False,
        empty_label="Tous les départements",
    )
    q = forms.CharField(label="Structure", help_text="Nom ou SIRET", required=False, max_length=200)


class InstalmentFilterForm(StructureFilterForm):
    due_before = forms.DateField(label="Échéance jusqu’au", required=False, widget=DateInput)
    late = forms.BooleanField(label="En retard seulement (échéance dépassée)", required=False)

    field_order = ["due_before", "departement", "q", "late"]

    @staticmethod
    def default_due_before() -> date:
        return date.today() + timedelta(days=DUE_WINDOW_DAYS)

    def __init__(self, data=None, **kwargs):
        data = data.copy() if data is not None else {}
        if not data.get("due_before"):
            data["due_before"] = self.default_due_before().isoformat()
        super().__init__(data, **kwargs)


class PaymentForm(DsfrBaseForm):
    paid_on = forms.DateField(label="Date du versement", widget=DateInput)
    amount = EuroAmountField(label="Montant en euros", help_text="Par exemple : 25 000,00")
    reference = forms.CharField(
        label="Référence du versement",
        help_text="Référence de l’ordre de paiement ou du virement",
        max_length=100,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paid_on"].widget.attrs["max"] = date.today().isoformat()


class CounterEntryForm(DsfrBaseForm):
    reason = forms.CharField(
        label="Motif de la contre-passation",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PostEndForm(DsfrBaseForm):
    CARRY = "carry"
    RECOVER = "recover"

    end_date = forms.DateField(label="Date de fin du contrat", widget=DateInput)
    outcome = forms.ChoiceField(
        label="Devenir du reliquat",
        choices=[
            (CARRY, "Reporter le reliquat sur le conseiller suivant"),
            (RECOVER, "À reverser par la structure"),
        ],
        widget=forms.RadioSelect,
    )

    @property
    def carry(self) -> bool:
        return self.cleaned_data["outcome"] == self.CARRY
