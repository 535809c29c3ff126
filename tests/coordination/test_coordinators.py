"""Coordinators: who they coordinate, what they see, their own activities."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from cnfs.accounts.enums import Role
from cnfs.accounts.models import RoleAssignment
from cnfs.activity import services as activity
from cnfs.activity.models import AdvisorDay
from cnfs.contracts.models import Contract
from cnfs.coordination import services
from cnfs.coordination.enums import LinkStatus
from cnfs.coordination.models import CoordinationActivity
from cnfs.coordination.resolvers import coordinated_advisors
from tests.activity.conftest import make_advisor, report_data
from tests.coordination.conftest import active, as_role, make_coordinator

pytestmark = pytest.mark.django_db

TODAY = date(2021, 9, 1)


def _advisors(coordinator):
    return set(coordinated_advisors(coordinator).values_list("pk", flat=True))


def test_appointing_needs_a_coordination_post(employer, national):
    advisor = make_advisor(employer)
    with pytest.raises(ValidationError, match="poste de coordination"):
        services.appoint_coordinator(advisor=advisor, by=active(national, Role.NATIONAL))


def test_appointing_gives_the_coordinator_role(coordinator):
    assert RoleAssignment.objects.filter(user=coordinator, role=Role.COORDINATOR).exists()


def test_another_structure_cannot_appoint(employer, colleague):
    with pytest.raises(PermissionDenied):
        make_coordinator(employer, active(colleague, Role.STRUCTURE))


def test_an_invited_advisor_is_not_coordinated_before_the_structure_accepts(coordinator, advisor):
    services.invite(advisor=advisor, by=active(coordinator, Role.COORDINATOR))
    assert _advisors(coordinator) == set()


def test_an_accepted_advisor_is_coordinated(coordinator, advisor, linked):
    assert _advisors(coordinator) == {advisor.pk}


def test_a_declined_invitation_coordinates_nobody(coordinator, advisor, manager):
    link = services.invite(advisor=advisor, by=active(coordinator, Role.COORDINATOR))
    services.answer(link, accept=False, by=active(manager, Role.STRUCTURE))
    assert (link.status, _advisors(coordinator)) == (LinkStatus.DECLINED, set())


def test_another_structure_cannot_answer(coordinator, advisor, colleague):
    link = services.invite(advisor=advisor, by=active(coordinator, Role.COORDINATOR))
    with pytest.raises(PermissionDenied):
        services.answer(link, accept=True, by=active(colleague, Role.STRUCTURE))


def test_ending_the_link_ends_the_scope(coordinator, linked, manager):
    services.end_link(linked, by=active(manager, Role.STRUCTURE))
    assert _advisors(coordinator) == set()


def test_a_territory_coordinates_the_advisors_in_post_there(
    coordinator, advisor, far_advisor, jura
):
    coordinator.coordinator.departements.set([jura])
    assert _advisors(coordinator) == {advisor.pk}


def test_an_advisor_cannot_be_invited_twice(coordinator, advisor, linked):
    with pytest.raises(ValidationError):
        services.invite(advisor=advisor, by=active(coordinator, Role.COORDINATOR))


# --- Pages: owner, colleague, outsider ------------------------------------------------------


def test_the_coordinator_sees_his_advisors_places(client, coordinator, advisor, linked):
    page = as_role(client, coordinator, Role.COORDINATOR).get("/coordination/coordinateur/")
    text = page.content.decode()
    assert "Médiathèque de Dole" in text and advisor.candidate.full_name in text


def test_another_coordinator_does_not_see_them(client, other_structure, national, linked, advisor):
    colleague = make_coordinator(other_structure, active(national, Role.NATIONAL))
    page = as_role(client, colleague, Role.COORDINATOR).get("/coordination/coordinateur/")
    assert "Médiathèque de Dole" not in page.content.decode()


def test_a_structure_manager_is_forbidden_the_coordinator_page(client, manager):
    page = as_role(client, manager, Role.STRUCTURE).get("/coordination/coordinateur/")
    assert page.status_code == 403


def test_the_advisors_export_lists_the_coordinated_advisors_only(
    client, coordinator, advisor, far_advisor, linked
):
    response = as_role(client, coordinator, Role.COORDINATOR).get(
        "/coordination/coordinateur/conseillers.csv"
    )
    text = b"".join(response.streaming_content).decode()
    assert advisor.candidate.email in text and far_advisor.candidate.email not in text


def test_the_export_is_forbidden_to_an_advisor(client, advisor):
    response = as_role(client, advisor, Role.ADVISOR).get(
        "/coordination/coordinateur/conseillers.csv"
    )
    assert response.status_code == 403


@time_machine.travel(TODAY)
def test_an_advisor_silent_for_30_days_shows_as_inactive(client, coordinator, advisor, linked):
    Contract.objects.update(start_date=TODAY - timedelta(days=90))
    page = as_role(client, coordinator, Role.COORDINATOR).get("/coordination/coordinateur/")
    assert page.context["board"].inactive[0].candidate.user_id == advisor.pk


@time_machine.travel(TODAY)
def test_the_coordinated_advisors_activity_is_counted(client, coordinator, advisor, linked):
    activity.create_report(advisor=advisor, data=report_data(advisor.main_place))
    page = as_role(client, coordinator, Role.COORDINATOR).get("/coordination/coordinateur/")
    assert page.context["board"].activity.accompaniments == 1


def test_ending_a_link_is_404_for_another_coordinator(client, other_structure, national, linked):
    colleague = make_coordinator(other_structure, active(national, Role.NATIONAL))
    response = as_role(client, colleague, Role.COORDINATOR).post(
        f"/coordination/coordinateur/lien/{linked.pk}/terminer/"
    )
    assert response.status_code == 404


def test_the_coordinator_ends_his_link(client, coordinator, linked):
    as_role(client, coordinator, Role.COORDINATOR).post(
        f"/coordination/coordinateur/lien/{linked.pk}/terminer/"
    )
    linked.refresh_from_db()
    assert linked.status == LinkStatus.ENDED


def test_the_invite_page_sends_an_invitation(client, coordinator, advisor):
    as_role(client, coordinator, Role.COORDINATOR).post(
        "/coordination/coordinateur/inviter/", {"email": advisor.email}
    )
    assert coordinator.coordinator.links.get().advisor == advisor


def test_inviting_is_forbidden_to_an_advisor(client, advisor, far_advisor):
    response = as_role(client, advisor, Role.ADVISOR).post(
        "/coordination/coordinateur/inviter/", {"email": far_advisor.email}
    )
    assert response.status_code == 403


# --- Structure side ---------------------------------------------------------------------------


def test_the_structure_accepts_on_its_page(client, coordinator, advisor, manager):
    link = services.invite(advisor=advisor, by=active(coordinator, Role.COORDINATOR))
    as_role(client, manager, Role.STRUCTURE).post(
        f"/coordination/structure/coordination/{link.pk}/repondre/", {"action": "accept"}
    )
    link.refresh_from_db()
    assert link.status == LinkStatus.ACCEPTED


def test_another_structure_gets_404(client, coordinator, advisor, colleague):
    link = services.invite(advisor=advisor, by=active(coordinator, Role.COORDINATOR))
    response = as_role(client, colleague, Role.STRUCTURE).post(
        f"/coordination/structure/coordination/{link.pk}/repondre/", {"action": "accept"}
    )
    assert response.status_code == 404


def test_a_prefecture_is_forbidden_the_answer(client, coordinator, advisor, outsider):
    link = services.invite(advisor=advisor, by=active(coordinator, Role.COORDINATOR))
    response = as_role(client, outsider, Role.PREFECTURE).post(
        f"/coordination/structure/coordination/{link.pk}/repondre/", {"action": "accept"}
    )
    assert response.status_code == 403


def test_the_structure_lists_its_invitations_only(client, coordinator, advisor, manager, colleague):
    services.invite(advisor=advisor, by=active(coordinator, Role.COORDINATOR))
    mine = as_role(client, manager, Role.STRUCTURE).get("/coordination/structure/coordination/")
    theirs = as_role(client, colleague, Role.STRUCTURE).get("/coordination/structure/coordination/")
    assert (len(mine.context["links"]), len(theirs.context["links"])) == (1, 0)


# --- Own activities ---------------------------------------------------------------------------


def _activity(**changes):
    return {
        "date": TODAY,
        "kind": "meeting",
        "title": "Réunion des conseillers du Jura",
        "participants": 12,
        "duration_minutes": 120,
        **changes,
    }


@time_machine.travel(TODAY)
def test_the_coordinator_records_an_activity(client, coordinator):
    as_role(client, coordinator, Role.COORDINATOR).post(
        "/coordination/coordinateur/activites/", _activity()
    )
    assert CoordinationActivity.objects.get().participants == 12


@time_machine.travel(TODAY)
def test_a_future_activity_is_refused_at_the_field(client, coordinator):
    page = as_role(client, coordinator, Role.COORDINATOR).post(
        "/coordination/coordinateur/activites/", _activity(date=TODAY + timedelta(days=1))
    )
    assert "dans le futur" in str(page.context["form"].errors["date"])


@time_machine.travel(TODAY)
def test_activities_are_counted_apart_from_the_reports(coordinator):
    services.record_activity(data=_activity(), by=active(coordinator, Role.COORDINATOR))
    assert AdvisorDay.objects.count() == 0


@time_machine.travel(TODAY)
def test_another_coordinator_does_not_see_my_activities(
    client, coordinator, other_structure, national
):
    services.record_activity(data=_activity(), by=active(coordinator, Role.COORDINATOR))
    colleague = make_coordinator(other_structure, active(national, Role.NATIONAL))
    page = as_role(client, colleague, Role.COORDINATOR).get("/coordination/coordinateur/activites/")
    assert page.context["own"]["count"] == 0


def test_the_activities_page_is_forbidden_to_an_advisor(client, advisor):
    page = as_role(client, advisor, Role.ADVISOR).get("/coordination/coordinateur/activites/")
    assert page.status_code == 403


@time_machine.travel(TODAY)
def test_the_activities_export_lists_my_activities(client, coordinator):
    services.record_activity(data=_activity(), by=active(coordinator, Role.COORDINATOR))
    response = as_role(client, coordinator, Role.COORDINATOR).get(
        "/coordination/coordinateur/activites.csv"
    )
    assert "Réunion des conseillers du Jura" in b"".join(response.streaming_content).decode()


def test_an_advisor_cannot_record_coordination_activities(advisor):
    with pytest.raises(PermissionDenied):
        services.record_activity(data=_activity(), by=active(advisor, Role.ADVISOR))


def test_dashboard_queries_do_not_grow_with_the_advisors(
    client, coordinator, other_structure, manager, django_assert_max_num_queries
):
    as_role(client, coordinator, Role.COORDINATOR)
    for n in range(4):
        extra = make_advisor(other_structure, place_name=f"Lieu {n}")
        link = services.invite(advisor=extra, by=active(coordinator, Role.COORDINATOR))
        services.answer(link, accept=True, by=active(manager, Role.STRUCTURE))
    with django_assert_max_num_queries(15):
        assert client.get("/coordination/coordinateur/").status_code == 200


def test_another_coordinator_s_export_leaves_them_out(
    client, other_structure, national, advisor, linked
):
    colleague = make_coordinator(other_structure, active(national, Role.NATIONAL))
    response = as_role(client, colleague, Role.COORDINATOR).get(
        "/coordination/coordinateur/conseillers.csv"
    )
    assert advisor.candidate.email not in b"".join(response.streaming_content).decode()


@time_machine.travel(TODAY)
def test_another_coordinator_s_activities_export_leaves_mine_out(
    client, coordinator, other_structure, national
):
    services.record_activity(data=_activity(), by=active(coordinator, Role.COORDINATOR))
    colleague = make_coordinator(other_structure, active(national, Role.NATIONAL))
    response = as_role(client, colleague, Role.COORDINATOR).get(
        "/coordination/coordinateur/activites.csv"
    )
    assert "Réunion des conseillers" not in b"".join(response.streaming_content).decode()


def test_the_activities_export_is_forbidden_to_a_structure(client, manager):
    response = as_role(client, manager, Role.STRUCTURE).get(
        "/coordination/coordinateur/activites.csv"
    )
    assert response.status_code == 403


def test_ending_a_link_is_forbidden_to_a_structure_on_the_coordinator_url(client, manager, linked):
    response = as_role(client, manager, Role.STRUCTURE).post(
        f"/coordination/coordinateur/lien/{linked.pk}/terminer/"
    )
    assert response.status_code == 403


def test_the_structure_invitations_page_is_forbidden_to_a_prefecture(client, outsider):
    page = as_role(client, outsider, Role.PREFECTURE).get("/coordination/structure/coordination/")
    assert page.status_code == 403
