"""The national team records an advisor's initial training and certification."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from cnfs.contracts.enums import TrainingStatus
from tests.advisors.conftest import in_post


@pytest.fixture
def training(employer, national):
    return in_post(employer, national).training


def url(training):
    return reverse("contracts:training", args=[training.pk])


def test_positioning_sets_the_length_and_the_planned_end(client, national, training):
    client.force_login(national)
    start = date(2021, 6, 7)
    response = client.post(
        url(training),
        {"positioning_level": "1", "organisation": "Simplon", "start_date": start.isoformat()},
    )
    assert response.status_code == 302
    training.refresh_from_db()
    assert training.planned_weeks == 13
    assert training.end_date == start + timedelta(weeks=13)
    assert training.stage(start + timedelta(days=1)) == TrainingStatus.IN_PROGRESS
    html = client.get(url(training)).content.decode()
    assert "<dd>13 semaines</dd>" in html and "Simplon" in html


def test_costs_are_shown(client, national, training):
    client.force_login(national)
    html = client.get(url(training)).content.decode()
    for amount in ("4\u202f805,00 €", "327,00 €", "297,00 €", "5\u202f429,00 €"):
        assert amount in html


def test_certified_without_a_date_is_refused_at_the_field(client, national, training):
    client.force_login(national)
    response = client.post(url(training), {"certified": "yes"})
    assert response.status_code == 200
    assert response.context["form"].errors["certified_on"] == [
        "Indiquez la date de la certification."
    ]
    training.refresh_from_db()
    assert training.certified is None


def test_completion_and_certification(client, national, training):
    client.force_login(national)
    response = client.post(
        url(training),
        {
            "start_date": "2021-06-07",
            "completed_on": "2021-07-02",
            "certified": "yes",
            "certified_on": "2021-07-20",
        },
    )
    assert response.status_code == 302
    training.refresh_from_db()
    assert training.operational and training.certified
    assert training.certified_on == date(2021, 7, 20)


def test_completion_before_the_start_is_refused(client, national, training):
    client.force_login(national)
    response = client.post(
        url(training), {"start_date": "2021-06-07", "completed_on": "2021-06-01"}
    )
    assert response.status_code == 200
    assert "completed_on" in response.context["form"].errors


@pytest.mark.parametrize("who", ["jura_prefecture", "employer_manager"])
def test_only_the_national_team_records_trainings(client, request, training, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url(training)).status_code == 403
    assert client.post(url(training), {"positioning_level": "3"}).status_code == 403
    training.refresh_from_db()
    assert training.positioning_level is None
