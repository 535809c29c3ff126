"""The commune autocomplete: one field every form asking for a commune uses."""

import re

from django import forms
from django.urls import reverse_lazy

from cnfs.territories.models import Commune
from cnfs.territories.search import MAX_RESULTS, normalize

INSEE_IN_LABEL = re.compile(r"\b(\d[0-9AB]\d{3})\s*$")


class CommuneAutocompleteWidget(forms.TextInput):
    """A text input backed by a native <datalist> that htmx fills as the person types.

    Native datalists are announced by screen readers and usable with a keyboard, and the
    field still works without JavaScript (type the name or the INSEE code).
    """

    template_name = "territories/widgets/commune_autocomplete.html"

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})})

    def get_context(self, name, value, attrs):
        if isinstance(value, Commune):
            value = value.label
        elif value and re.fullmatch(r"\d[0-9AB]\d{3}", str(value)):
            commune = Commune.objects.filter(pk=value).first()
            value = commune.label if commune else value
        context = super().get_context(name, value, attrs)
        context["suggestions_url"] = reverse_lazy("territories:commune_suggestions")
        return context


class CommuneField(forms.Field):
    widget = CommuneAutocompleteWidget
    default_error_messages = {
        "required": "Indiquez une commune.",
        "invalid": (
            "Commune introuvable : choisissez-la dans la liste des suggestions "
            "(tapez son nom ou son code postal)."
        ),
        "ambiguous": (
            "Plusieurs communes portent ce nom : choisissez-la dans la liste des suggestions "
            "pour préciser le département."
        ),
    }

    def __init__(self, *, queryset=None, **kwargs):
        kwargs.setdefault("label", "Commune")
        kwargs.setdefault(
            "help_text", "Tapez le nom ou le code postal, puis choisissez dans la liste."
        )
        self.queryset = queryset if queryset is not None else Commune.objects.all()
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return value.label if isinstance(value, Commune) else value

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return None
        if isinstance(value, Commune):
            return value
        match = INSEE_IN_LABEL.search(value)
        if match:
            commune = self.queryset.filter(pk=match.group(1)).first()
            if commune:
                return commune
        key = normalize(value)
        exact = [c for c in self.queryset.search(value, limit=MAX_RESULTS) if c.search_name == key]
        if len(exact) == 1:
            return exact[0]
        if len(exact) > 1:
            raise forms.ValidationError(self.error_messages["ambiguous"], code="ambiguous")
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
