"""Commune search: by name (accents, case, hyphens and "st"/"saint" ignored) or postal code."""

import re
import unicodedata

from django.db.models import Case, IntegerField, Q, Value, When

ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
MAX_RESULTS = 50


def normalize(text: str) -> str:
    """'Saint-Étienne-du-Rouvray' and 'st etienne du rouvray' both give the same key."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = text.replace("œ", "oe").replace("æ", "ae")
    words = re.findall(r"[a-z0-9]+", text)
    return " ".join(ABBREVIATIONS.get(word, word) for word in words)


def search_communes(queryset, query: str, *, limit: int = 20):
    """Communes matching ``query``, best first (see the ordering below)."""
    limit = max(1, min(limit, MAX_RESULTS))
    query = (query or "").strip()
    digits = re.sub(r"\s", "", query)
    if digits.isdigit():
        if len(digits) > 5:
            return queryset.none()
        # Postal codes are stored space-separated: match the start of any of them.
        condition = Q(postal_codes__startswith=digits) | Q(postal_codes__contains=" " + digits)
        if len(digits) == 5:
            condition |= Q(insee=digits)
        matches = queryset.filter(condition)
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
