from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from cnfs.accounts.enums import Role
from cnfs.activity import services
from cnfs.activity.models import AdvisorDay, Report
from tests import factories
from tests.activity.conftest import DAY, report_data


def form_data(advisor, **changes):
    data = {
        "kind": "individual",
        "date": DAY.isoformat(),
        "participants": "",
        "returning": "",
        "channel": "place",
        "place": str(advisor.main_place.pk),
        "commune": "",
        "themes": ["email", "procedures"],
        "duration": "30_60",
        "minutes": "",
        "age": "over_60",
        "status": "retired",
        "followup_individual": "",
        "followup_workshop": "",
        "tags": "",
        "client_key": "form-1",
        "next": "history",
    }
    data.update(changes)
    return data


@pytest.fixture
def logged(client, advisor):
    client.force_login(advisor)
    return client


def test_only_the_date_and_the_main_place_have_a_default(logged, advisor):
    response = logged.get(reverse("activity:new"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form["date"].value() == timezone.localdate()
    assert form["channel"].value() == "place"
    assert form["place"].value() == str(advisor.main_place.pk)
    answered = {
        name: form[name].value()
        for name in form.fields
        if name not in ("date", "channel", "place", "client_key") and form[name].value()
    }
    assert answered == {}
    content = response.content.decode()
    assert " checked" not in content.replace('value="place" checked', "")
    assert 'aria-live="polite"' in content and "Enregistrer et saisir un autre" in content


def test_without_a_place_the_channel_has_no_default(client, employer):
    user = factories.UserFactory(roles=[(Role.ADVISOR, {})])
    client.force_login(user)
    form = client.get(reverse("activity:new")).context["form"]
    assert form["channel"].value() is None and not form["place"].value()


def test_one_person_needs_an_age_and_a_status(logged, advisor):
    response = logged.post(reverse("activity:new"), form_data(advisor, age="", status=""))
    form = response.context["form"]
    assert form.errors["age"] == ["Choisissez la tranche d’âge de la personne."]
    assert form.errors["status"] == ["Choisissez le statut de la personne."]
    assert not Report.objects.exists()


def test_a_workshop_needs_its_number_of_participants(logged, advisor):
    response = logged.post(
        reverse("activity:new"), form_data(advisor, kind="workshop", age="", status="")
    )
    assert response.context["form"].errors["participants"] == [
        "Indiquez le nombre de participants."
    ]


def test_errors_of_the_form_and_of_the_rules_come_in_one_pass(logged, advisor):
    # The form refuses the missing themes; the rules refuse the date and the 50 minutes.
    future = (timezone.localdate().replace(year=timezone.localdate().year + 1)).isoformat()
    response = logged.post(
        reverse("activity:new"),
        form_data(advisor, themes=[], date=future, duration="minutes", minutes="50"),
    )
    errors = response.context["form"].errors
    assert set(errors) == {"themes", "date", "minutes"}
    assert "futur" in errors["date"][0] and "par pas de 15 minutes" in errors["minutes"][0]


def test_the_summary_counts_the_errors_it_lists(logged, advisor):
    response = logged.post(
        reverse("activity:new"),
        form_data(
            advisor,
            kind="workshop",
            participants="3",
            age="",
            status="",
            themes=[],
            age_over_60="2",
            status_retired="1",
            duration="",
        ),
    )
    content = response.content.decode()
    summary = content.split('role="alert"', 1)[1].split("</div>", 1)[0]
    listed = summary.count("<li>")
    assert listed == 4  # ages, statuses, themes, duration
    assert f"Le formulaire comporte {listed} erreurs" in summary


def test_a_refused_rule_is_not_repeated_when_the_form_refused_its_input(logged, advisor):
    response = logged.post(
        reverse("activity:new"), form_data(advisor, date="pas une date", themes=[])
    )
    errors = response.context["form"].errors
    assert errors["date"] == ["Saisissez une date valide."]
    assert errors["themes"] == ["Choisissez au moins un thème."]


def test_record_then_back_to_the_history(logged, advisor):
    response = logged.post(reverse("activity:new"), form_data(advisor))
    assert response.url == reverse("activity:history")
    report = Report.objects.get()
    assert report.themes == ["email", "procedures"] and report.ages == {"over_60": 1}
    assert (report.participants, report.statuses) == (1, {"retired": 1})
    assert AdvisorDay.objects.get().reports == 1


def test_record_and_enter_another(logged, advisor):
    response = logged.post(reverse("activity:new"), form_data(advisor, next="new"))
    assert response.url == reverse("activity:new")


def test_a_form_sent_twice_records_once(logged, advisor):
    logged.post(reverse("activity:new"), form_data(advisor))
    logged.post(reverse("activity:new"), form_data(advisor))
    assert Report.objects.count() == 1


def test_sums_that_do_not_add_up_are_shown_at_their_group(logged, advisor):
    response = logged.post(
        reverse("activity:new"),
        form_data(
            advisor,
            kind="workshop",
            participants="2",
            age_over_60="1",
            age_18_35="1",
            age_35_60="1",
            status_retired="0",
        ),
    )
    assert response.status_code == 200 and not Report.objects.exists()
    form = response.context["form"]
    assert "totalise 3 personne(s)" in form.group_errors["ages"][0]
    assert "totalise 0 personne(s)" in form.group_errors["statuses"][0]
    assert response.context["page_title"].startswith("Erreur")


def test_field_errors_of_the_service_reach_the_field(logged, advisor):
    response = logged.post(
        reverse("activity:new"), form_data(advisor, duration="minutes", minutes="50")
    )
    assert "par pas de 15 minutes" in response.context["form"].errors["minutes"][0]


def test_a_structure_manager_cannot_use_the_advisor_form(client, manager):
    client.force_login(manager)
    assert client.get(reverse("activity:new")).status_code == 403
    assert client.get(reverse("activity:history")).status_code == 403


def test_anonymous_is_sent_to_log_in(client):
    assert client.get(reverse("activity:new")).status_code == 302


@pytest.fixture
def mine(advisor):
    return services.create_report(advisor=advisor, data=report_data(advisor.main_place))


@pytest.fixture
def theirs(other_advisor):
    return services.create_report(advisor=other_advisor, data=report_data(other_advisor.main_place))


@pytest.mark.parametrize("name", ["edit", "duplicate", "delete"])
def test_own_report_pages(logged, mine, name):
    assert logged.get(reverse(f"activity:{name}", args=[mine.pk])).status_code == 200


@pytest.mark.parametrize("name", ["edit", "duplicate", "delete"])
def test_another_advisors_report_is_not_found(logged, theirs, name):
    assert logged.get(reverse(f"activity:{name}", args=[theirs.pk])).status_code == 404
    assert logged.post(reverse(f"activity:{name}", args=[theirs.pk])).status_code == 404
    assert Report.objects.filter(pk=theirs.pk).exists()


def test_edit(logged, advisor, mine):
    response = logged.post(
        reverse("activity:edit", args=[mine.pk]),
        form_data(advisor, kind="workshop", participants="3", age_over_60="3", status_retired="3"),
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.participants == 3 and AdvisorDay.objects.get(kind="workshop").participants == 3


def test_duplicate_prefills_a_new_report_dated_today(logged, mine):
    response = logged.get(reverse("activity:duplicate", args=[mine.pk]))
    form = response.context["form"]
    assert form["themes"].value() == ["email"] and form["date"].value() == timezone.localdate()
    assert (form["age"].value(), form["status"].value()) == ("over_60", "retired")
    assert response.context["action"] == reverse("activity:new")


def test_delete(logged, mine):
    response = logged.post(reverse("activity:delete", args=[mine.pk]))
    assert response.url == reverse("activity:history") and not Report.objects.exists()


def test_history_shows_only_mine(logged, mine, theirs):
    response = logged.get(reverse("activity:history"))
    assert list(response.context["reports"]) == [mine]


def test_history_filters(logged, advisor):
    services.create_report(advisor=advisor, data=report_data(date=date(2021, 3, 1)))
    services.create_report(
        advisor=advisor, data=report_data(themes=["health"], date=date(2021, 4, 1))
    )
    services.create_report(
        advisor=advisor,
        data=report_data(
            kind="workshop", participants=2, ages={"over_60": 2}, statuses={"retired": 2}
        ),
    )
    url = reverse("activity:history")
    assert logged.get(url, {"theme": "health"}).context["page_obj"].paginator.count == 1
    assert logged.get(url, {"kind": "workshop"}).context["page_obj"].paginator.count == 1
    period = {"start": "2021-03-01", "end": "2021-04-30"}
    assert logged.get(url, period).context["page_obj"].paginator.count == 2


def test_history_queries_do_not_grow(logged, advisor, django_assert_max_num_queries):
    services.create_report(advisor=advisor, data=report_data(advisor.main_place))
    with django_assert_max_num_queries(12) as few:
        logged.get(reverse("activity:history"))
    services.create_batch(
        advisor=advisor,
        items=[report_data(advisor.main_place, themes=["email", "health"]) for _ in range(35)],
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = logged.get(reverse("activity:history"))
    assert len(response.context["reports"]) == 36
