"""Appointment link and freshness of a place (DOMAIN §8)."""

import csv
import io
import json
from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cnfs.accounts.enums import Role
from cnfs.opendata import datasets
from cnfs.places import services
from cnfs.places.freshness import Freshness, band_of
from cnfs.places.models import Place
from tests import factories
from tests.places.conftest import make_place

pytestmark = pytest.mark.django_db
RDV = "https://rdv.anct.gouv.fr/prendre_rdv?departement=39&lieu=12"
TODAY = date(2026, 12, 4)


def at(year, month, day, hour=12):
    return timezone.make_aware(datetime(year, month, day, hour))


# Bands -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("checked", "band"),
    [
        (at(2026, 6, 5), Freshness.UP_TO_DATE),
        (at(2026, 6, 4, 0), Freshness.UP_TO_DATE),
        (at(2026, 6, 3, 23), Freshness.TO_WATCH),
        (at(2025, 12, 4, 0), Freshness.TO_WATCH),
        (at(2025, 12, 3), Freshness.TO_CHECK),
        (at(2025, 6, 4, 0), Freshness.TO_CHECK),
        (at(2025, 6, 3), Freshness.TO_UPDATE),
        (None, Freshness.TO_UPDATE),
    ],
)
def test_freshness_bands_follow_the_domain_rule(checked, band):
    assert band_of(checked, TODAY) == band


def test_the_sql_bands_agree_with_the_python_ones(employer):
    dates = [at(2026, 6, 5), at(2026, 1, 1), at(2025, 9, 1), at(2024, 1, 1), None]
    for checked in dates:
        make_place(employer, checked_at=checked, name=f"Lieu {checked}")
    annotated = Place.objects.with_freshness(TODAY)
    assert {p.freshness_band for p in annotated} == {b.value for b in Freshness}
    for place in annotated:
        assert place.freshness_band == band_of(place.checked_at, TODAY)
    assert Place.objects.freshness_counts(TODAY) == {
        "a_jour": 1,
        "a_surveiller": 1,
        "a_verifier": 1,
        "a_mettre_a_jour": 2,
    }


# Appointment link ---------------------------------------------------------------------------


def test_an_https_appointment_link_is_kept(place, advisor):
    services.update_place(place, by=advisor, appointment_url=f"  {RDV} ")
    place.refresh_from_db()
    assert place.appointment_url == RDV


@pytest.mark.parametrize("bad", ["http://rdv.anct.gouv.fr/", "rdv.anct.gouv.fr", "https://"])
def test_a_non_https_appointment_link_is_refused_in_french(place, advisor, bad):
    with pytest.raises(ValidationError) as error:
        services.update_place(place, by=advisor, appointment_url=bad)
    assert "commençant par https://" in error.value.message_dict["appointment_url"][0]
    place.refresh_from_db()
    assert place.appointment_url == ""


def test_the_form_shows_the_appointment_error_at_the_field(client, place, advisor):
    client.force_login(advisor)
    response = client.post(
        reverse("places:edit", args=[place.pk]),
        {
            "name": place.name,
            "address": place.address,
            "commune": place.commune.label,
            "access": "walk_in",
            "itinerant": "fixed",
            "fees": "Gratuit",
            "appointment_url": "http://exemple.fr/rdv",
        },
    )
    assert response.status_code == 200
    assert "commençant par https://" in response.context["form"].errors["appointment_url"][0]


def test_the_appointment_link_is_on_the_public_page_and_the_map(client, place):
    Place.objects.filter(pk=place.pk).update(appointment_url=RDV)
    page = client.get(reverse("public:place", args=[place.pk])).content.decode()
    assert f'href="{RDV.replace("&", "&amp;")}"' in page
    listing = client.get(reverse("public:map")).content.decode()
    assert "Prendre rendez-vous" in listing
    data = client.get(reverse("public:data"), {"bbox": "4,45,7,48", "zoom": "12"}).json()
    assert [p["appointment"] for p in data["places"]] == [RDV]


def test_the_appointment_link_is_exported_in_both_open_data_formats(place):
    Place.objects.filter(pk=place.pk).update(appointment_url=RDV)
    lieux = datasets.get(datasets.BY_SLUG["lieux"]).content.decode()
    (row,) = csv.DictReader(io.StringIO(lieux.lstrip("\ufeff")))
    assert row["prise_rdv"] == RDV
    services_rows = json.loads(datasets.get(datasets.BY_SLUG["data-inclusion-services"]).content)
    assert {s["prise_rdv"] for s in services_rows} == {RDV}
    assert all("utiliser-lien-mobilisation" in s["modes_mobilisation"] for s in services_rows)


# Checks --------------------------------------------------------------------------------------


@time_machine.travel(at(2026, 12, 4), tick=False)
def test_an_edit_is_a_check(place, advisor):
    services.update_place(place, by=advisor, name="Médiathèque Jean-Moulin")
    place.refresh_from_db()
    assert place.checked_at == at(2026, 12, 4)


@time_machine.travel(at(2026, 12, 4), tick=False)
def test_a_new_place_is_checked_when_created(advisor, dole):
    place = services.create_place(
        by=advisor,
        name="Espace numérique",
        address="2 rue Pasteur",
        commune=dole,
        access="walk_in",
    )
    assert place.checked_at == at(2026, 12, 4)


@time_machine.travel(at(2026, 12, 4), tick=False)
def test_an_advisor_of_the_place_confirms_it(client, place, advisor):
    client.force_login(advisor)
    response = client.post(reverse("places:confirm", args=[place.pk]))
    assert response.url == reverse("places:detail", args=[place.pk])
    place.refresh_from_db()
    assert place.checked_at == at(2026, 12, 4)


def test_a_manager_of_the_structure_confirms_it(place, manager):
    services.confirm_place(place, by=manager)
    place.refresh_from_db()
    assert place.checked_at is not None


def test_an_advisor_of_another_structure_cannot_confirm(place, stranger_advisor):
    with pytest.raises(PermissionDenied):
        services.confirm_place(place, by=stranger_advisor)
    place.refresh_from_db()
    assert place.checked_at is None


def test_the_team_pages_show_when_the_place_was_last_checked(client, place, advisor):
    Place.objects.filter(pk=place.pk).update(checked_at=at(2025, 10, 2))
    client.force_login(advisor)
    with time_machine.travel(at(2026, 12, 4)):
        detail = client.get(reverse("places:detail", args=[place.pk])).content.decode()
        listing = client.get(reverse("places:list")).content.decode()
        public = client.get(reverse("public:place", args=[place.pk])).content.decode()
    assert "Informations vérifiées le 2 octobre 2025 : à vérifier." in detail
    assert "02/10/2025" in listing and "À vérifier" in listing
    assert "vérifiées par le lieu le 2 octobre 2025" in public


# Reminders -----------------------------------------------------------------------------------


def remind(day, *args):
    out = io.StringIO()
    call_command("remind_place_checks", "--day", day.isoformat(), *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def stale_place(employer, advisor, manager):
    return make_place(employer, advisor, checked_at=at(2026, 5, 1))


def test_the_reminder_is_a_dry_run_by_default(stale_place, mailoutbox):
    output = remind(TODAY)
    assert (
        "simulation" in output
        and "Lieux rappelés à leurs conseillers et gestionnaires : 1" in output
    )
    stale_place.refresh_from_db()
    assert stale_place.freshness_reminded_at is None
    assert mailoutbox == []


def test_the_editors_are_reminded_once_at_six_months(
    stale_place, advisor, manager, colleague_advisor, mailoutbox, django_capture_on_commit_callbacks
):
    recent = make_place(stale_place.structure, advisor, checked_at=at(2026, 7, 1), name="Récent")
    with django_capture_on_commit_callbacks(execute=True):
        remind(TODAY, "--apply")
    assert [sorted(m.to) for m in mailoutbox] == [sorted([advisor.email, manager.email])]
    assert stale_place.name in mailoutbox[0].subject
    assert reverse("places:detail", args=[stale_place.pk]) in mailoutbox[0].body
    recent.refresh_from_db()
    assert recent.freshness_reminded_at is None

    with django_capture_on_commit_callbacks(execute=True):
        remind(date(2026, 12, 20), "--apply")
    assert len(mailoutbox) == 1  # never twice for the same stretch


def test_a_new_stretch_after_a_check_brings_a_new_reminder(
    stale_place, advisor, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        remind(TODAY, "--apply")
    Place.objects.filter(pk=stale_place.pk).update(checked_at=at(2026, 12, 10))
    with django_capture_on_commit_callbacks(execute=True):
        remind(date(2027, 6, 9), "--apply")
        remind(date(2027, 6, 11), "--apply")
    assert len(mailoutbox) == 2


def test_a_place_without_anyone_to_tell_is_counted_apart(employer, mailoutbox):
    make_place(employer, checked_at=None)
    output = remind(TODAY, "--apply")
    assert "Lieux sans personne à prévenir : 1" in output
    assert mailoutbox == []


def test_an_inactive_account_is_not_reminded(
    stale_place, advisor, manager, mailoutbox, django_capture_on_commit_callbacks
):
    type(manager).objects.filter(pk=manager.pk).update(is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        remind(TODAY, "--apply")
    assert [m.to for m in mailoutbox] == [[advisor.email]]


# Follow-up -----------------------------------------------------------------------------------


@pytest.fixture
def prefect(jura):
    return factories.UserFactory(roles=[(Role.PREFECTURE, {"departement": jura})])


def test_the_follow_up_counts_places_per_band(client, prefect, employer, jura):
    make_place(employer, checked_at=at(2026, 11, 1), name="A")
    make_place(employer, checked_at=None, name="B")
    make_place(employer, checked_at=at(2024, 1, 1), name="C")
    elsewhere = factories.StructureFactory(commune__departement__code="25")
    make_place(elsewhere, checked_at=None, name="Hors territoire")
    client.force_login(prefect)
    with time_machine.travel(at(2026, 12, 4)):
        response = client.get(reverse("followup:places"))
    counts = {band["value"]: band["count"] for band in response.context["bands"]}
    assert counts == {"a_jour": 1, "a_surveiller": 0, "a_verifier": 0, "a_mettre_a_jour": 2}
    names = [p.name for p in response.context["page_obj"]]
    assert names == ["B", "C", "A"]


def test_the_follow_up_filters_one_band(client, prefect, employer):
    make_place(employer, checked_at=at(2026, 11, 1), name="A")
    make_place(employer, checked_at=None, name="B")
    client.force_login(prefect)
    with time_machine.travel(at(2026, 12, 4)):
        response = client.get(reverse("followup:places"), {"fraicheur": "a_jour"})
    assert [p.name for p in response.context["page_obj"]] == ["A"]


def test_the_follow_up_runs_the_same_queries_for_many_places(client, prefect, employer):
    client.force_login(prefect)
    make_place(employer, name="Un")
    client.get(reverse("followup:places"))  # warm caches (session, content types)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("followup:places"))
    for n in range(15):
        make_place(employer, name=f"Lieu {n}", checked_at=at(2026, 1 + n % 12, 1))
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("followup:places"))
    assert len(many) == len(few)


def test_an_advisor_cannot_see_the_follow_up(client, advisor):
    client.force_login(advisor)
    assert client.get(reverse("followup:places")).status_code == 403
