"""Opening hours in OpenStreetMap ``opening_hours`` syntax: validation, plain French, "open now".

The parser is ``opening-hours-py`` (import name ``opening_hours``). The French description
is ours and covers the forms people actually type (days and day ranges, several intervals,
``off``, public holidays); anything more exotic is shown as written.
"""

import re
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import opening_hours
from django.core.exceptions import ValidationError

EXAMPLE = "Mo-Fr 09:00-12:00,14:00-17:00"
MAX_LENGTH = 500
PARIS = ZoneInfo("Europe/Paris")
# Overseas places keep their own clock: "open now" is evaluated in local time.
OVERSEAS_TIMEZONES = {
    "971": ZoneInfo("America/Guadeloupe"),
    "972": ZoneInfo("America/Martinique"),
    "973": ZoneInfo("America/Cayenne"),
    "974": ZoneInfo("Indian/Reunion"),
    "976": ZoneInfo("Indian/Mayotte"),
}

DAYS = {
    "Mo": "lundi",
    "Tu": "mardi",
    "We": "mercredi",
    "Th": "jeudi",
    "Fr": "vendredi",
    "Sa": "samedi",
    "Su": "dimanche",
}
_DAY = "(?:Mo|Tu|We|Th|Fr|Sa|Su)"
_DAY_ITEM = rf"(?:{_DAY}(?:-{_DAY})?|PH)"
_DAYS = rf"{_DAY_ITEM}(?:,{_DAY_ITEM})*"
_TIME = r"(?:[01]?\d|2[0-4]):[0-5]\d"
_SPANS = rf"{_TIME}-{_TIME}(?:,{_TIME}-{_TIME})*"
RULE = re.compile(rf"(?:(?P<days>{_DAYS})\s+)?(?P<what>{_SPANS}|off|closed)|(?P<days_only>{_DAYS})")
POSITION = re.compile(r"-->\s*\d+:(\d+)")


def timezone_for(departement_code: str) -> ZoneInfo:
    return OVERSEAS_TIMEZONES.get(departement_code, PARIS)


@lru_cache(maxsize=4096)
def _parse(hours: str, tz: ZoneInfo):
    return opening_hours.OpeningHours(hours, timezone=tz, country="FR")


def validate(hours: str) -> str:
    """``hours`` stripped, or a ValidationError in French that points at the mistake."""
    hours = (hours or "").strip()
    if not hours:
        return ""
    if len(hours) > MAX_LENGTH:
        raise ValidationError(
            f"Horaires trop longs : {MAX_LENGTH} caractères au plus.", code="hours_length"
        )
    try:
        _parse(hours, PARIS)
    except (opening_hours.ParserError, SyntaxError, ValueError) as error:
        raise ValidationError(
            f"Horaires illisibles : {_where(str(error), hours)}, exemple : {EXAMPLE}", code="hours"
        ) from None
    return hours


def _where(error: str, hours: str) -> str:
    match = POSITION.search(error)
    if match is None:
        return "format non reconnu"
    position = int(match.group(1))
    if position > len(hours):
        return "la fin est incomplète"
    return f"erreur au caractère {position} (« {hours[position - 1 :]} »)"


def is_open(hours: str, at: datetime, *, tz: ZoneInfo = PARIS) -> bool | None:
    """Whether a place with these ``hours`` is open at ``at`` (aware datetimes are converted
    to ``tz``, the place's time zone; naive ones are read as its local time).

    None when the hours are not given, not readable, or say "unknown".
    """
    hours = (hours or "").strip()
    if not hours:
        return None
    try:
        parsed = _parse(hours, tz)
    except (opening_hours.ParserError, SyntaxError, ValueError):
        return None
    at = at.replace(tzinfo=tz) if at.tzinfo is None else at.astimezone(tz)
    if parsed.is_unknown(at):
        return None
    return parsed.is_open(at)


def _time(text: str) -> str:
    hour, minute = text.split(":")
    return f"{int(hour)} h" if minute == "00" else f"{int(hour)} h {minute}"


def _spans(text: str) -> str:
    return ", ".join(
        f"{_time(start)} – {_time(end)}" for start, end in (s.split("-") for s in text.split(","))
    )


def _days(text: str) -> str:
    """``Mo-We,Fr,PH`` → "du lundi au mercredi, le vendredi et les jours fériés"."""
    parts = []
    for item in text.split(","):
        if item == "PH":
            parts.append("les jours fériés")
        elif "-" in item:
            first, last = item.split("-")
            parts.append(f"du {DAYS[first]} au {DAYS[last]}")
        else:
            parts.append(f"le {DAYS[item]}")
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " et " + parts[-1]


def _rule(rule: str) -> str | None:
    if rule == "24/7":
        return "Ouvert 24 h sur 24, 7 jours sur 7"
    match = RULE.fullmatch(rule)
    if match is None:
        return None
    if match["days_only"]:
        return f"{_days(match['days_only']).capitalize()} : toute la journée"
    days = _days(match["days"]) if match["days"] else None
    if match["what"] in ("off", "closed"):
        return f"Fermé {days}" if days else None
    return f"{days.capitalize() if days else 'Tous les jours'} : {_spans(match['what'])}"


def describe(hours: str) -> list[str]:
    """The hours in plain French, one line per rule; the raw string when too exotic."""
    hours = (hours or "").strip()
    if not hours:
        return []
    rules = [rule.strip() for rule in hours.split(";") if rule.strip()]
    lines = [_rule(rule) for rule in rules]
    if not rules or None in lines:
        return [hours]
    return lines
