from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.utils import timezone

from cnfs.activity import services
from cnfs.activity.models import AdvisorDay, Report, TerritoryDay
from cnfs.contracts.models import Contract
from tests import factories
from tests.activity.conftest import report_data


def refused(advisor, **changes):
    with pytest.raises(ValidationError) as error:
        services.create_report(advisor=advisor, data=report_data(advisor.main_place, **changes))
    assert not Report.objects.exists()
    return error.value.message_dict


def test_a_valid_report_is_recorded_with_the_employer(advisor, employer):
    report = services.create_report(advisor=advisor, data=report_data(advisor.main_place))
    assert report.structure == employer and report.departement_id == "39"
    assert report.commune_id == advisor.main_place.commune_id
    assert AdvisorDay.objects.get().reports == 1
    assert TerritoryDay.objects.get(departement_id="39").participants == 1


def test_a_date_in_the_future_is_refused(advisor):
    errors = refused(advisor, date=timezone.localdate() + timedelta(days=1))
    assert errors["date"] == ["La date ne peut pas être dans le futur."]


def test_a_date_before_the_programme_is_refused(advisor):
    errors = refused(advisor, date=date(2020, 10, 31))
    assert "début du programme" in errors["date"][0]


@pytest.mark.parametrize("participants", [0, 101])
def test_a_workshop_has_1_to_100_participants(advisor, participants):
    errors = refused(
        advisor,
        kind="workshop",
        participants=participants,
        ages={"over_60": participants},
        statuses={"retired": participants},
    )
    assert errors["participants"] == ["Un atelier collectif compte de 1 à 100 participants."]


@pytest.mark.parametrize(
    "kind, start", [("individual", "Un accompagnement individuel"), ("one_off", "Une demande")]
)
def test_individual_and_one_off_concern_one_person(advisor, kind, start):
    errors = refused(
        advisor, kind=kind, participants=3, ages={"over_60": 3}, statuses={"retired": 3}
    )
    assert errors["participants"][0].startswith(f"{start}")
    assert "une seule personne" in errors["participants"][0]


def test_a_workshop_of_100_is_accepted(advisor):
    report = services.create_report(
        advisor=advisor,
        data=report_data(
            advisor.main_place,
            kind="workshop",
            participants=100,
            returning=40,
            ages={"18_35": 50, "35_60": 50},
            statuses={"employed": 70, "unknown": 30},
        ),
    )
    assert report.participants == 100 and report.ages == {"18_35": 50, "35_60": 50}


def test_returning_cannot_exceed_participants(advisor):
    assert "ne peuvent être plus nombreuses" in refused(advisor, returning=2)["returning"][0]


def test_age_counts_must_add_up_to_the_participants(advisor):
    errors = refused(advisor, ages={"over_60": 1, "18_35": 1})
    assert errors["ages"] == [
        "La répartition par âge totalise 2 personne(s) au lieu de 1 participant(s)."
    ]


def test_status_counts_must_add_up_to_the_participants(advisor):
    assert "par statut totalise 0" in refused(advisor, statuses={})["statuses"][0]


def test_unknown_age_bracket_is_refused(advisor):
    assert "Tranche d’âge inconnue" in refused(advisor, ages={"centenarian": 1})["ages"][0]


def test_at_least_one_theme(advisor):
    assert refused(advisor, themes=[])["themes"] == ["Choisissez au moins un thème."]


def test_unknown_theme_is_refused(advisor):
    assert refused(advisor, themes=["cooking"])["themes"] == ["Thème inconnu : cooking."]


def test_an_unknown_place_is_refused(advisor):
    assert "Lieu inconnu" in refused(advisor, place=999_999)["place"][0]


def test_another_advisors_place_is_refused(advisor, other_advisor):
    assert "Lieu inconnu" in refused(advisor, place=other_advisor.main_place.pk)["place"][0]


def test_a_place_is_needed_at_a_place_of_activity(advisor):
    assert refused(advisor, place=None)["place"] == ["Choisissez le lieu d’activité."]


@pytest.mark.parametrize("channel", ["other_place", "home"])
def test_elsewhere_and_at_home_need_a_commune(advisor, channel):
    assert refused(advisor, channel=channel, place=None)["commune"] == ["Indiquez la commune."]


def test_at_home_with_a_commune(advisor):
    commune = factories.CommuneFactory(insee="39300", name="Champagnole")
    report = services.create_report(
        advisor=advisor, data=report_data(channel="home", commune="39300")
    )
    assert report.commune == commune and report.place is None


@pytest.mark.parametrize("minutes", [0, 10, 50, 495, None])
def test_minutes_go_by_15_up_to_8_hours(advisor, minutes):
    errors = refused(advisor, duration="minutes", minutes=minutes)
    assert "par pas de 15 minutes" in errors["minutes"][0]


@pytest.mark.parametrize("minutes", [15, 135, 480])
def test_minutes_in_steps_are_accepted(advisor, minutes):
    data = report_data(advisor.main_place, duration="minutes", minutes=minutes)
    assert services.create_report(advisor=advisor, data=data).minutes == minutes


def test_follow_ups_cannot_exceed_the_participants(advisor):
    errors = refused(advisor, followup_individual=1, redirections={"caf": 1})
    assert "ne peuvent dépasser le nombre de participants (1)" in errors["followup_individual"][0]


def test_negative_counts_are_refused(advisor):
    assert "positif" in refused(advisor, followup_workshop=-1)["followup_workshop"][0]


def test_no_contract_no_report(advisor):
    Contract.objects.update(status="ended", ended_on=F("start_date"), end_reason="resignation")
    with pytest.raises(ValidationError, match="pas de contrat en cours"):
        services.create_report(advisor=advisor, data=report_data(advisor.main_place))


def test_a_known_client_key_returns_the_same_report(advisor):
    data = report_data(advisor.main_place)
    first = services.create_report(advisor=advisor, data=data, client_key="abc")
    again = services.create_report(advisor=advisor, data=data, client_key="abc")
    assert first == again and Report.objects.count() == 1
    assert AdvisorDay.objects.get().reports == 1


def test_the_same_key_of_two_advisors_makes_two_reports(advisor, other_advisor):
    services.create_report(advisor=advisor, data=report_data(), client_key="k")
    services.create_report(advisor=other_advisor, data=report_data(), client_key="k")
    assert Report.objects.count() == 2


def test_edit_moves_the_counts(advisor):
    report = services.create_report(advisor=advisor, data=report_data(advisor.main_place))
    services.update_report(
        report,
        by=advisor,
        data=report_data(
            advisor.main_place,
            kind="workshop",
            participants=4,
            date=date(2021, 6, 16),
            ages={"under_12": 4},
            statuses={"student": 4},
        ),
    )
    old, new = AdvisorDay.objects.order_by("day")
    assert (old.reports, old.participants, old.kind) == (0, 0, "individual")
    assert (new.reports, new.participants, new.age_under_12, new.kind) == (1, 4, 4, "workshop")


def test_an_invalid_edit_changes_nothing(advisor):
    report = services.create_report(advisor=advisor, data=report_data(advisor.main_place))
    with pytest.raises(ValidationError):
        services.update_report(report, by=advisor, data=report_data(themes=[]))
    report.refresh_from_db()
    assert report.themes == ["email"] and AdvisorDay.objects.get().reports == 1


def test_only_the_author_edits_or_deletes(advisor, other_advisor):
    report = services.create_report(advisor=advisor, data=report_data(advisor.main_place))
    with pytest.raises(PermissionDenied):
        services.update_report(report, by=other_advisor, data=report_data())
    with pytest.raises(PermissionDenied):
        services.delete_report(report, by=other_advisor)


def test_delete_subtracts_the_counts(advisor):
    report = services.create_report(advisor=advisor, data=report_data(advisor.main_place))
    services.delete_report(report, by=advisor)
    assert not Report.objects.exists()
    assert AdvisorDay.objects.get().reports == 0 and TerritoryDay.objects.get().minutes == 0


def test_a_batch_is_all_or_nothing_with_the_index_of_each_bad_item(advisor):
    items = [report_data(client_key=f"k{i}") for i in range(5)]
    items[1]["themes"] = []
    items[3]["participants"] = 2
    with pytest.raises(services.BatchError) as error:
        services.create_batch(advisor=advisor, items=items)
    assert sorted(error.value.items) == [1, 3]
    assert not Report.objects.exists() and not AdvisorDay.objects.exists()


def test_the_same_batch_twice_creates_it_once(advisor):
    items = [report_data(client_key=f"k{i}") for i in range(5)]
    first = services.create_batch(advisor=advisor, items=items)
    again = services.create_batch(advisor=advisor, items=items)
    assert (first.created, again.created, again.existing) == (5, 0, 5)
    assert [r.pk for r in first.reports] == [r.pk for r in again.reports]
    assert Report.objects.count() == 5 and AdvisorDay.objects.get().reports == 5


def test_a_key_twice_in_a_batch_is_refused(advisor):
    with pytest.raises(services.BatchError) as error:
        services.create_batch(
            advisor=advisor, items=[report_data(client_key="k"), report_data(client_key="k")]
        )
    assert list(error.value.items) == [1]


def test_a_batch_has_at_most_500_items(advisor):
    with pytest.raises(ValidationError, match="au plus 500"):
        services.create_batch(advisor=advisor, items=[report_data()] * 501)
