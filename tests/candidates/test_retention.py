"""Retention: a CV 6 months after the last activity (warned 15 days before), unconfirmed
applications after 30 days, inactive candidate accounts after 2 years, former advisors
anonymised 5 years after their last contract. Dry run by default, counts in the journal."""

from datetime import date, datetime
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from cnfs.accounts.enums import Role
from cnfs.accounts.models import User
from cnfs.candidates import services
from cnfs.candidates.models import Candidate
from cnfs.common.models import AuditEntry
from cnfs.structures.models import Structure
from tests import factories
from tests.candidates.conftest import PDF

ACTIVE_ON = date(2024, 1, 10)


def at(day: date):
    return timezone.make_aware(datetime(day.year, day.month, day.day, 12))


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run ``command`` on ``day`` with the clock frozen; return who was e-mailed."""

    def run(command: str, day: date, *, apply=True):
        mail.outbox.clear()
        out = StringIO()
        args = [command, f"--day={day:%Y-%m-%d}", *(["--apply"] if apply else [])]
        with (
            time_machine.travel(at(day), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            call_command(*args, stdout=out)
        run.output = out.getvalue()
        return sorted(m.to[0] for m in mail.outbox)

    return run


@pytest.fixture
def with_cv(candidate):
    candidate.cv.save("cv.pdf", ContentFile(PDF), save=True)
    Candidate.objects.filter(pk=candidate.pk).update(last_activity_at=at(ACTIVE_ON))
    candidate.refresh_from_db()
    return candidate


# Last activity --------------------------------------------------------------------------


def test_a_login_is_an_activity(client, candidate):
    Candidate.objects.filter(pk=candidate.pk).update(last_activity_at=at(ACTIVE_ON))
    with time_machine.travel(at(date(2024, 3, 1)), tick=False):
        client.force_login(candidate.user)
    candidate.refresh_from_db()
    assert candidate.last_activity_at == at(date(2024, 3, 1))


def test_a_profile_change_is_an_activity(candidate):
    Candidate.objects.filter(pk=candidate.pk).update(last_activity_at=at(ACTIVE_ON))
    with time_machine.travel(at(date(2024, 3, 2)), tick=False):
        services.update_profile(candidate, by=candidate.user, phone="0612345678")
    candidate.refresh_from_db()
    assert candidate.last_activity_at == at(date(2024, 3, 2))


# CVs ------------------------------------------------------------------------------------


def test_the_cv_is_kept_until_15_days_before_the_six_months(with_cv, run):
    assert run("delete_stale_cvs", date(2024, 6, 24)) == []
    with_cv.refresh_from_db()
    assert with_cv.cv and with_cv.cv_warned_at is None


def test_warned_15_days_before_once_then_deleted_at_six_months(with_cv, run, private_storage):
    assert run("delete_stale_cvs", date(2024, 6, 25)) == [with_cv.email]
    assert run("delete_stale_cvs", date(2024, 6, 26)) == []  # not twice
    with_cv.refresh_from_db()
    assert with_cv.cv  # not before the six months
    run("delete_stale_cvs", date(2024, 7, 10))
    with_cv.refresh_from_db()
    assert not with_cv.cv
    assert list(private_storage.rglob("*.pdf")) == []
    summaries = list(
        AuditEntry.objects.filter(action="retention.cvs")
        .order_by("pk")
        .values_list("summary", flat=True)
    )
    assert summaries == [
        "Candidats prévenus : 1, CV supprimés : 0",
        "Candidats prévenus : 0, CV supprimés : 1",
    ]


def test_the_warning_names_the_deletion_day(with_cv, run):
    run("delete_stale_cvs", date(2024, 6, 25))
    assert "supprimé le 10/07/2024" in mail.outbox[0].body


def test_coming_back_after_the_warning_keeps_the_cv(with_cv, run, client):
    run("delete_stale_cvs", date(2024, 6, 25))
    with time_machine.travel(at(date(2024, 7, 1)), tick=False):
        client.force_login(with_cv.user)
    assert run("delete_stale_cvs", date(2024, 7, 10)) == []
    with_cv.refresh_from_db()
    assert with_cv.cv


def test_a_late_warning_still_gives_15_days(with_cv, run):
    """The job did not run for months: the CV is not deleted on the day of the warning."""
    assert run("delete_stale_cvs", date(2024, 9, 1)) == [with_cv.email]
    with_cv.refresh_from_db()
    assert with_cv.cv
    run("delete_stale_cvs", date(2024, 9, 16))
    with_cv.refresh_from_db()
    assert not with_cv.cv


def test_a_dry_run_sends_and_deletes_nothing(with_cv, run):
    assert run("delete_stale_cvs", date(2024, 9, 1), apply=False) == []
    assert "Candidats prévenus : 1" in run.output
    with_cv.refresh_from_db()
    assert with_cv.cv and with_cv.cv_warned_at is None
    assert not AuditEntry.objects.filter(action="retention.cvs").exists()


# Unconfirmed applications ---------------------------------------------------------------


@pytest.fixture
def unconfirmed(dole):
    with time_machine.travel(at(ACTIVE_ON), tick=False):
        candidate = factories.CandidateFactory(commune=dole, email_confirmed_at=None)
        structure = factories.StructureFactory(commune=dole, email_confirmed_at=None)
    return candidate, structure


def test_unconfirmed_applications_are_kept_30_days(unconfirmed, run):
    run("delete_unconfirmed_applications", date(2024, 2, 8))
    assert Candidate.objects.filter(pk=unconfirmed[0].pk).exists()
    assert Structure.objects.filter(pk=unconfirmed[1].pk).exists()


def test_unconfirmed_applications_are_deleted_after_30_days(unconfirmed, candidate, run):
    run("delete_unconfirmed_applications", date(2024, 2, 9))
    assert not Candidate.objects.filter(pk=unconfirmed[0].pk).exists()
    assert not Structure.objects.filter(pk=unconfirmed[1].pk).exists()
    assert Candidate.objects.filter(pk=candidate.pk).exists()  # confirmed: kept
    entry = AuditEntry.objects.get(action="retention.unconfirmed_applications")
    assert entry.summary == (
        "Candidatures de candidats supprimées : 1, Candidatures de structures supprimées : 1"
    )
    assert unconfirmed[0].last_name not in entry.summary


def test_a_confirmed_structure_is_kept(dole, run):
    with time_machine.travel(at(ACTIVE_ON), tick=False):
        structure = factories.StructureFactory(commune=dole)
    run("delete_unconfirmed_applications", date(2024, 6, 1))
    assert Structure.objects.filter(pk=structure.pk).exists()


# Inactive candidate accounts ------------------------------------------------------------


def test_an_account_inactive_for_two_years_is_erased(candidate, run):
    Candidate.objects.filter(pk=candidate.pk).update(last_activity_at=at(ACTIVE_ON))
    run("erase_inactive_candidates", date(2026, 1, 9))
    assert Candidate.objects.filter(pk=candidate.pk).exists()
    run("erase_inactive_candidates", date(2026, 1, 10))
    assert not Candidate.objects.filter(pk=candidate.pk).exists()
    user = User.objects.get(pk=candidate.user_id)
    assert not user.is_active and user.email.endswith("@invalid")
    entry = AuditEntry.objects.get(action="retention.inactive_candidates")
    assert entry.summary == "Comptes candidats effacés : 1"


def test_a_former_advisor_is_not_erased_as_inactive(candidate, structure, run):
    factories.validated_contract(structure, start=date(2021, 1, 1), candidate=candidate)
    Candidate.objects.filter(pk=candidate.pk).update(last_activity_at=at(ACTIVE_ON), in_post=False)
    run("erase_inactive_candidates", date(2027, 1, 1))
    assert Candidate.objects.filter(pk=candidate.pk).exists()


# Former advisors --------------------------------------------------------------------------


@pytest.fixture
def former_advisor(candidate, structure):
    candidate.user.roles.create(role=Role.ADVISOR)
    candidate.cv.save("cv.pdf", ContentFile(PDF), save=True)
    contract = factories.validated_contract(
        structure,
        start=date(2021, 1, 1),
        candidate=candidate,
        kind="cdd",
        end_date=date(2023, 1, 1),
        ended_on=date(2022, 12, 31),
        end_reason="term",
    )
    type(contract).objects.filter(pk=contract.pk).update(status="ended")  # as the end leaves it
    Candidate.objects.filter(pk=candidate.pk).update(in_post=False, former_advisor=True)
    candidate.refresh_from_db()
    return candidate


def test_a_former_advisor_is_kept_five_years(former_advisor, run):
    run("anonymise_former_advisors", date(2027, 12, 30))
    former_advisor.refresh_from_db()
    assert former_advisor.anonymised_at is None
    assert former_advisor.last_name.startswith("Candidat")


def test_a_former_advisor_is_anonymised_after_five_years(former_advisor, run, private_storage):
    run("anonymise_former_advisors", date(2027, 12, 31))
    former_advisor.refresh_from_db()
    assert former_advisor.anonymised_at is not None
    assert (former_advisor.first_name, former_advisor.phone) == ("Anonymisé", "")
    assert former_advisor.email.endswith("@invalid") and not former_advisor.cv
    assert former_advisor.contracts.count() == 1  # the contract stays, without a name
    assert list(private_storage.rglob("*.pdf")) == []
    user = User.objects.get(pk=former_advisor.user_id)
    assert not user.is_active and user.first_name == ""
    entry = AuditEntry.objects.get(action="retention.former_advisors")
    assert entry.summary == "Anciens conseillers anonymisés : 1"
    run("anonymise_former_advisors", date(2028, 1, 5))  # idempotent
    assert AuditEntry.objects.filter(action="retention.former_advisors").count() == 1


def test_an_advisor_who_also_manages_a_structure_keeps_the_account(former_advisor, structure, run):
    former_advisor.user.roles.create(role=Role.STRUCTURE, structure=structure)
    run("anonymise_former_advisors", date(2027, 12, 31))
    user = User.objects.get(pk=former_advisor.user_id)
    assert user.is_active and user.role_kinds() == [Role.STRUCTURE]


def test_an_advisor_with_a_recent_contract_is_kept(former_advisor, run):
    other = factories.StructureFactory(validated=True, granted_posts=1)
    factories.validated_contract(
        other,
        start=date(2024, 1, 1),
        candidate=former_advisor,
        kind="cdd",
        end_date=date(2025, 1, 1),
    )
    run("anonymise_former_advisors", date(2028, 1, 1))
    former_advisor.refresh_from_db()
    assert former_advisor.anonymised_at is None
