"""Libraries first in rural areas (DOMAIN §8): the agenda's badge and order."""

from datetime import date

import pytest
from django.urls import reverse

from cnfs.committee import services
from tests import factories
from tests.committee.helpers import on_agenda

pytestmark = pytest.mark.django_db


def commune(jura, insee, population, area_km2):
    return factories.CommuneFactory(
        insee=insee, departement=jura, population=population, area_km2=area_km2
    )


@pytest.fixture
def session(national):
    return services.create_session(session_date=date(2021, 3, 24), by=national)


@pytest.fixture
def agenda(session, jura):
    village = commune(jura, "39301", 420, 12.5)  # 34 inhabitants per km²
    town = commune(jura, "39198", 23_840, 38.11)  # Dole: 626 per km²
    return {
        "town_hall": on_agenda(session, name="Mairie de Dole", commune=town),
        "town_library": on_agenda(
            session, name="Médiathèque de Dole", commune=town, is_library=True
        ),
        "village_library": on_agenda(
            session, name="Bibliothèque du village", commune=village, is_library=True
        ),
    }


def names(response):
    return [row["item"].request.structure.name for row in response.context["rows"]]


def test_the_agenda_marks_libraries_in_rural_communes(client, national, session, agenda):
    client.force_login(national)
    response = client.get(reverse("committee:session", args=[session.number]))

    flagged = {
        row["item"].request.structure.name: row["item"].rural_library
        for row in response.context["rows"]
    }
    assert flagged == {
        "Mairie de Dole": False,
        "Médiathèque de Dole": False,
        "Bibliothèque du village": True,
    }
    page = response.content.decode()
    assert page.count("Bibliothèque en commune rurale</p>") == 1
    assert "approximation" in page


def test_the_agenda_sorts_rural_libraries_first_on_demand(client, national, session, agenda):
    client.force_login(national)
    url = reverse("committee:session", args=[session.number])

    assert names(client.get(url))[0] == "Mairie de Dole"
    first = names(client.get(url, {"libraries_first": "on"}))
    assert first == ["Bibliothèque du village", "Mairie de Dole", "Médiathèque de Dole"]


def test_a_commune_without_area_is_not_counted_rural(client, national, session, jura):
    unknown = commune(jura, "39302", 300, None)
    on_agenda(session, name="Bibliothèque sans superficie", commune=unknown, is_library=True)
    client.force_login(national)

    response = client.get(reverse("committee:session", args=[session.number]))

    assert [row["item"].rural_library for row in response.context["rows"]] == [False]


def test_the_agenda_badge_survives_a_decision_by_htmx(client, national, session, agenda):
    client.force_login(national)
    item = agenda["village_library"]
    response = client.post(
        reverse("committee:decide", args=[item.pk]),
        {"decision": "", "posts": "1", "observation": ""},
        HTTP_HX_REQUEST="true",
    )
    assert "Bibliothèque en commune rurale" in response.content.decode()
