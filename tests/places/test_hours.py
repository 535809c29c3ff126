from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError

from cnfs.places import hours

WEEKDAYS = "Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:30-12:00; Su,PH off"


@pytest.mark.parametrize(
    "value", ["Mo-Fr 09:00-12:00,14:00-17:00", WEEKDAYS, "24/7", "Tu,Th 14:00-18:00; PH off"]
)
def test_valid_hours_pass(value):
    assert hours.validate(f"  {value} ") == value


@pytest.mark.parametrize("value", ["lundi 9h-12h", "Mo-Fx 09:00-12:00", "Mo-Fr 09:00-12:00,"])
def test_unreadable_hours_are_refused_in_french_with_an_example(value):
    with pytest.raises(ValidationError) as error:
        hours.validate(value)
    message = error.value.messages[0]
    assert message.startswith("Horaires illisibles : ")
    assert message.endswith("exemple : Mo-Fr 09:00-12:00,14:00-17:00")


def test_the_error_points_at_the_mistake():
    with pytest.raises(ValidationError, match="caractère 4 \\(« Fx 09:00-12:00 »\\)"):
        hours.validate("Mo-Fx 09:00-12:00")


def test_empty_hours_are_allowed():
    assert hours.validate("  ") == ""
    assert hours.describe("") == []


@pytest.mark.parametrize(
    ("value", "lines"),
    [
        (
            "Mo-Fr 09:00-12:00,14:00-17:00",
            ["Du lundi au vendredi : 9 h – 12 h, 14 h – 17 h"],
        ),
        (
            WEEKDAYS,
            [
                "Du lundi au vendredi : 9 h – 12 h, 14 h – 17 h",
                "Le samedi : 9 h 30 – 12 h",
                "Fermé le dimanche et les jours fériés",
            ],
        ),
        ("Mo,We,Fr 14:00-18:30", ["Le lundi, le mercredi et le vendredi : 14 h – 18 h 30"]),
        (
            "Mo-We,Sa 10:00-12:00; PH off",
            [
                "Du lundi au mercredi et le samedi : 10 h – 12 h",
                "Fermé les jours fériés",
            ],
        ),
        ("09:00-18:00", ["Tous les jours : 9 h – 18 h"]),
        ("24/7", ["Ouvert 24 h sur 24, 7 jours sur 7"]),
    ],
)
def test_common_hours_read_in_plain_french(value, lines):
    assert hours.describe(value) == lines


@pytest.mark.parametrize(
    "value", ["Mo-Fr 08:00-18:00; Jul-Aug off", "Mo-Fr 10:00+", 'Mo 09:00-12:00 "sur rendez-vous"']
)
def test_exotic_hours_are_shown_as_written(value):
    assert hours.describe(value) == [value]


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (datetime(2024, 7, 15, 10, 0), True),  # Monday morning
        (datetime(2024, 7, 15, 12, 30), False),  # lunch break
        (datetime(2024, 7, 20, 11, 0), True),  # Saturday morning
        (datetime(2024, 7, 20, 15, 0), False),  # Saturday afternoon
        (datetime(2024, 7, 21, 10, 0), False),  # Sunday
        (datetime(2024, 11, 11, 10, 0), False),  # Armistice, a Monday and a public holiday
    ],
)
def test_is_open_at_given_times(at, expected):
    assert hours.is_open(WEEKDAYS, at) is expected


def test_is_open_reads_aware_times_in_the_place_time_zone():
    # 8:30 UTC is 10:30 in Paris (summer) but 4:30 in Guadeloupe.
    at = datetime(2024, 7, 15, 8, 30, tzinfo=UTC)
    assert hours.is_open(WEEKDAYS, at) is True
    assert hours.is_open(WEEKDAYS, at, tz=hours.timezone_for("971")) is False


def test_is_open_is_unknown_without_readable_hours():
    assert hours.is_open("", datetime(2024, 7, 15, 10)) is None
    assert hours.is_open("n'importe quoi", datetime(2024, 7, 15, 10)) is None
