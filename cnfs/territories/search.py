"""Commune search and resolution: one rule for every commune field and the public map.

Search: by name (accents, case, hyphens and "st"/"saint" ignored) or by postal code, never by
a bare INSEE code. Resolution (what a typed text means):

- a suggestion's label, "Dole (39100) – 39198" or "Dole (39198)": the commune of that INSEE
  code, read only from a label whose name is that commune's;
- a 5-digit postal code: its communes, most populous first (one resolves, several are
  choices: a form asks, the map starts from the first and offers the others);
- a name: the communes of that exact name (one resolves, several are choices).
"""

import re
from dataclasses import dataclass, field

from django.db.models import Case, IntegerField, Q, Value, When

from cnfs.common.validators import fold

ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
MAX_RESULTS = 50
POSTAL_CODE = re.compile(r"^\d{5}$")
INSEE = r"\d[0-9AB]\d{3}"
# "Name (postal code or département) – INSEE" (the label) or "Name (INSEE)".
LABEL = re.compile(
    rf"^(?P<name>.+?)\s*\((?P<code>[0-9AB]{{2,5}})\)\s*(?:[–-]\s*(?P<insee>{INSEE}))?$"
)


def normalize(text: str) -> str:
    """'Saint-Étienne-du-Rouvray' and 'st etienne du rouvray' both give the same key."""
    words = re.findall(r"[a-z0-9]+", fold(text))
    return " ".join(ABBREVIATIONS.get(word, word) for word in words)


def postal_code_of(text: str) -> str:
    """The 5-digit postal code ``text`` is ("39 100" included), or ''."""
    digits = re.sub(r"\s", "", text or "")
    return digits if POSTAL_CODE.match(digits) else ""


def with_postal_code(queryset, code: str):
    """Communes having ``code`` among their (space-separated) postal codes."""
    return queryset.filter(Q(postal_codes__startswith=code) | Q(postal_codes__contains=" " + code))


@dataclass
class Resolution:
    """What a typed text designates: one ``commune``, or ``choices`` to pick from."""

    commune: object = None
    choices: list = field(default_factory=list)
    postal_code: str = ""  # set when the text was a postal code

    @property
    def first(self):
        """The commune to start from: the one resolved, or the first of the choices."""
        return self.commune or (self.choices[0] if self.choices else None)


def resolve(queryset, text: str) -> Resolution:
    """Apply the resolution rule (module docstring) to ``text``, in at most two queries."""
    text = (text or "").strip()
    if not text:
        return Resolution()
    code = postal_code_of(text)
    if code:
        communes = list(with_postal_code(queryset, code).order_by("-population", "name"))
        return _one_or_choices(communes, postal_code=code)
    label = LABEL.match(text)
    if label:
        key = normalize(label["name"])
        insee = label["insee"] or label["code"]
        code = label["code"]
        condition = Q(pk=insee) | Q(departement_id=code)
        if len(code) == 5:
            condition |= Q(postal_codes__startswith=code) | Q(postal_codes__contains=" " + code)
        named = list(queryset.filter(condition, search_name=key))
        exact = [c for c in named if c.pk == insee]
        if exact:
            return Resolution(commune=exact[0])
        if named:
            named.sort(key=lambda c: (-c.population, c.name))
            return _one_or_choices(named)
        text = label["name"]
    key = normalize(text)
    named = [c for c in queryset.search(text, limit=MAX_RESULTS) if c.search_name == key]
    return _one_or_choices(named)


def _one_or_choices(communes, *, postal_code: str = "") -> Resolution:
    if len(communes) == 1:
        return Resolution(commune=communes[0], postal_code=postal_code)
    return Resolution(choices=communes, postal_code=postal_code)


def search_communes(queryset, query: str, *, limit: int = 20):
    """Communes matching ``query``, best first (see the ordering below)."""
    limit = max(1, min(limit, MAX_RESULTS))
    query = (query or "").strip()
    digits = re.sub(r"\s", "", query)
    if digits.isdigit():
        if len(digits) > 5:
            return queryset.none()
        # Postal codes only (a bare number is never read as an INSEE code); stored
        # space-separated: match the start of any of them.
        matches = with_postal_code(queryset, digits)
        return matches.order_by("-population", "name")[:limit]
    key = normalize(query)
    if len(key) < 2:
        return queryset.none()
    # Names starting with the query first, then names with a later word starting with it
    # ("claude" finds Saint-Claude); within each, administrative centres (préfectures,
    # sous-préfectures) before other communes, then the most populated.
    rank = Case(
        When(search_name__startswith=key, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    centre = Case(
        When(chef_lieu__gt=0, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        queryset.filter(Q(search_name__startswith=key) | Q(search_name__contains=" " + key))
        .annotate(rank=rank, centre=centre)
        .order_by("rank", "centre", "-population", "name")[:limit]
    )
