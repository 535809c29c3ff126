"""The commune autocomplete: one field every form asking for a commune uses.

It applies the resolution rule of ``cnfs.territories.search.resolve``: a suggestion's label,
a postal code (several communes: the person picks one) or a name.
"""

import re

from django import forms
from django.forms.boundfield import BoundField
from django.urls import reverse_lazy

from cnfs.territories.models import Commune
from cnfs.territories.search import INSEE, resolve

INSEE_CODE = re.compile(rf"^{INSEE}$")
CHOICES_SHOWN = 20


class CommuneAutocompleteWidget(forms.TextInput):
    """A text input backed by a native <datalist> that htmx fills as the person types.

    Native datalists are announced by screen readers and usable with a keyboard, and the
    field still works without JavaScript (type the name or the postal code).
    """

    template_name = "territories/widgets/commune_autocomplete.html"

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})})

    def get_context(self, name, value, attrs):
        if isinstance(value, Commune):
            value = value.label
        context = super().get_context(name, value, attrs)
        context["suggestions_url"] = reverse_lazy("territories:commune_suggestions")
        return context


class CommuneBoundField(BoundField):
    def value(self):
        """An initial value may be a commune's primary key (a model form's): show its label.
        What the person typed is shown as typed (a typed number is never an INSEE code)."""
        if not self.form.is_bound or self.field.disabled:
            initial = self.initial
            if isinstance(initial, str) and INSEE_CODE.match(initial):
                commune = Commune.objects.filter(pk=initial).first()
                return commune.label if commune else initial
        return super().value()


def choice_names(communes) -> str:
    """« Dole, Foucherans, Champvans… » (the first CHOICES_SHOWN), with the département when
    names repeat."""
    names = [c.name for c in communes]
    repeated = len(set(names)) < len(names)
    shown = [
        f"{c.name} ({c.departement_id})" if repeated else c.name for c in communes[:CHOICES_SHOWN]
    ]
    more = len(communes) - len(shown)
    return ", ".join(shown) + (f" et {more} autre{'s' if more > 1 else ''}" if more else "")


class CommuneField(forms.Field):
    """A commune, typed or chosen among the suggestions.

    ``pick_first``: when a postal code or a name designates several communes, take the most
    populous (the public map does, and offers the others: ``commune.alternatives``) instead
    of asking the person to choose. ``insee_codes``: the value is an INSEE code and nothing
    else (an API documenting it, see ``read_insee_codes``), never a person's typing.
    """

    widget = CommuneAutocompleteWidget
    default_error_messages = {
        "required": "Indiquez une commune.",
        "unknown_insee": "Commune introuvable : aucune commune n’a le code INSEE %(insee)s.",
        "invalid": (
            "Commune introuvable : choisissez-la dans la liste des suggestions "
            "(tapez son nom ou son code postal)."
        ),
        "unknown_postal_code": (
            "Aucune commune n’a le code postal %(postal_code)s : vérifiez-le, ou tapez le nom "
            "de la commune."
        ),
        "postal_code": (
            "Le code postal %(postal_code)s est celui de %(count)s communes : choisissez la "
            "vôtre dans la liste des suggestions (%(names)s)."
        ),
        "ambiguous": (
            "Plusieurs communes portent ce nom : choisissez la vôtre dans la liste des "
            "suggestions pour préciser le département (%(names)s)."
        ),
    }

    def __init__(self, *, queryset=None, pick_first=False, insee_codes=False, **kwargs):
        kwargs.setdefault("label", "Commune")
        kwargs.setdefault(
            "help_text", "Tapez le nom ou le code postal, puis choisissez dans la liste."
        )
        self.queryset = queryset if queryset is not None else Commune.objects.all()
        self.pick_first = pick_first
        self.insee_codes = insee_codes
        super().__init__(**kwargs)

    def get_bound_field(self, form, field_name):
        return CommuneBoundField(form, self, field_name)

    def prepare_value(self, value):
        return value.label if isinstance(value, Commune) else value

    def to_python(self, value):
        if isinstance(value, Commune):
            return value
        value = (value or "").strip()
        if not value:
            return None
        if self.insee_codes:
            commune = self.queryset.filter(pk=value).first()
            if commune is None:
                raise forms.ValidationError(
                    self.error_messages["unknown_insee"],
                    code="invalid",
                    params={"insee": value},
                )
            return commune
        found = resolve(self.queryset, value)
        if found.commune is not None:
            found.commune.alternatives = []
            return found.commune
        if found.choices and self.pick_first:
            first, *others = found.choices
            first.alternatives = others
            return first
        if found.choices:
            params = {
                "postal_code": found.postal_code,
                "count": len(found.choices),
                "names": choice_names(found.choices),
            }
            code = "postal_code" if found.postal_code else "ambiguous"
            raise forms.ValidationError(self.error_messages[code], code=code, params=params)
        if found.postal_code:
            raise forms.ValidationError(
                self.error_messages["unknown_postal_code"],
                code="unknown_postal_code",
                params={"postal_code": found.postal_code},
            )
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


def read_insee_codes(form, *names: str):
    """Make the commune fields ``names`` of ``form`` read INSEE codes: what an API sends."""
    for name in names or ("commune",):
        form.fields[name].insee_codes = True
    return form
