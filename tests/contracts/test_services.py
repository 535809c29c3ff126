import threading
import time
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction

from cnfs.accounts.enums import Role
from cnfs.candidates.models import Candidate
from cnfs.contracts import services
from cnfs.contracts.enums import ContractStatus, TrainingStatus
from cnfs.contracts.models import Contract
from cnfs.funding.models import PostFunding
from cnfs.matching.enums import ProposalStatus
from cnfs.matching.models import Proposal
from cnfs.structures.models import Structure
from tests import factories
from tests.conftest import postgres_only

START = date(2021, 5, 3)
CDD = {"kind": "cdd", "start_date": START, "end_date": date(2023, 5, 2), "weekly_hours": 35}


def manager_of(structure):
    return factories.UserFactory(roles=[(Role.STRUCTURE, {"structure": structure})])


def shortlisted(structure, candidate=None):
    candidate = candidate or factories.CandidateFactory(commune=structure.commune)
    return Proposal.objects.create(
        candidate=candidate,
        structure=structure,
        status=ProposalStatus.SHORTLISTED,
        distance_km=1,
        score=1,
    )


@pytest.fixture
def employer(jura):
    return factories.StructureFactory(validated=True, granted_posts=1, commune__departement=jura)


def request(proposal, by, salary=180_000):
    return services.request_recruitment(proposal, salary_cents=salary, by=by, **CDD)


def test_salary_never_below_the_minimum_wage(employer):
    with pytest.raises(ValidationError) as error:
        request(shortlisted(employer), manager_of(employer), salary=150_000)
    assert "inférieur au SMIC" in error.value.message_dict["gross_monthly_salary"][0]
    assert "1\u202f554,58 €" in error.value.message_dict["gross_monthly_salary"][0]


def test_a_fixed_term_contract_needs_an_end_date(employer):
    with pytest.raises(ValidationError, match="date de fin"):
        services.request_recruitment(
            shortlisted(employer),
            kind="cdd",
            start_date=START,
            end_date=None,
            weekly_hours=35,
            salary_cents=180_000,
            by=manager_of(employer),
        )


def test_the_post_is_taken_while_the_recruitment_is_examined(employer):
    manager = manager_of(employer)
    request(shortlisted(employer), manager)
    employer.refresh_from_db()
    assert employer.occupied_posts == 1
    with pytest.raises(ValidationError, match="Tous les postes"):
        request(shortlisted(employer), manager)


def test_validation_makes_an_advisor(employer, national, django_capture_on_commit_callbacks):
    from cnfs.accounts.services import grant_role

    user = factories.UserFactory()
    grant_role(user, Role.CANDIDATE)
    candidate = factories.CandidateFactory(commune=employer.commune, user=user)
    other = Proposal.objects.create(
        candidate=candidate,
        structure=factories.StructureFactory(validated=True),
        distance_km=3,
        score=1,
    )
    contract = request(shortlisted(employer, candidate), manager_of(employer))
    with django_capture_on_commit_callbacks(execute=True):
        services.validate_recruitment(contract, by=national)
    contract.refresh_from_db()
    candidate.refresh_from_db()
    other.refresh_from_db()
    assert contract.status == ContractStatus.ACTIVE and candidate.in_post
    assert user.roles.filter(role=Role.ADVISOR).exists()
    assert not user.roles.filter(role=Role.CANDIDATE).exists()  # the role changes
    assert other.status == ProposalStatus.WITHDRAWN
    assert contract.proposal.status == ProposalStatus.RECRUITED
    assert contract.training.status == TrainingStatus.PLANNED
    funding = PostFunding.objects.get(agreement__structure=employer)
    assert funding.start_date == START and funding.amount_cents == 50_000_00
    assert any("recrutement est validé" in m.subject for m in mail.outbox)


def test_only_the_national_team_validates(employer):
    contract = request(shortlisted(employer), manager_of(employer))
    with pytest.raises(PermissionDenied):
        services.validate_recruitment(contract, by=manager_of(employer))


def test_refusal_frees_the_post(employer, national):
    contract = request(shortlisted(employer), manager_of(employer))
    services.reject_recruitment(contract, reason="Pièces manquantes", by=national)
    employer.refresh_from_db()
    assert employer.occupied_posts == 0
    assert Proposal.objects.get().status == ProposalStatus.SHORTLISTED


def test_contract_end_reopens_the_post_and_carries_the_subsidy(employer, national):
    from cnfs.places.models import Place, PlaceAdvisor

    manager = manager_of(employer)
    user = factories.UserFactory()
    candidate = factories.CandidateFactory(commune=employer.commune, user=user)
    contract = request(shortlisted(employer, candidate), manager)
    services.validate_recruitment(contract, by=national)
    place = Place.objects.create(
        name="Médiathèque",
        address="1 rue",
        commune=employer.commune,
        latitude=46.6,
        longitude=5.5,
        access="walk_in",
    )
    PlaceAdvisor.objects.create(place=place, advisor=user, main=True)
    services.end_contract(contract, ended_on=date(2022, 5, 2), reason="resignation", by=manager)
    # The structure asks; until the national team validates, nothing moves.
    assert PlaceAdvisor.objects.filter(advisor=user).exists()
    services.validate_contract_end(contract, by=national)
    assert not PlaceAdvisor.objects.filter(advisor=user).exists()
    assert user.roles.filter(role=Role.CANDIDATE).exists()
    employer.refresh_from_db()
    candidate = Candidate.objects.get(pk=contract.candidate_id)
    assert employer.occupied_posts == 0
    assert candidate.available and not candidate.in_post and candidate.former_advisor
    ended = PostFunding.objects.get(agreement__structure=employer)
    assert ended.unspent_outcome == "carried" and ended.unspent_cents == 25_000_00
    # The next advisor on the post, from the day after, receives what was left.
    nxt = services.request_recruitment(
        shortlisted(employer),
        kind="cdd",
        start_date=date(2022, 5, 3),
        end_date=date(2024, 5, 2),
        weekly_hours=35,
        salary_cents=180_000,
        by=manager,
    )
    services.validate_recruitment(nxt, by=national)
    assert PostFunding.objects.get(carried_from=ended).amount_cents == ended.unspent_cents


def test_renewal_is_a_new_contract_linked_to_the_previous(employer, national):
    manager = manager_of(employer)
    contract = request(shortlisted(employer), manager)
    services.validate_recruitment(contract, by=national)
    renewed = services.renew_contract(
        contract, kind="cdi", end_date=None, weekly_hours=35, salary_cents=190_000, by=manager
    )
    assert renewed.previous == contract and renewed.start_date == date(2023, 5, 3)
    assert Contract.objects.get(pk=contract.pk).status == ContractStatus.ENDED
    employer.refresh_from_db()
    assert employer.occupied_posts == 1


def test_training_positioning_sets_the_length(employer, national):
    contract = request(shortlisted(employer), manager_of(employer))
    services.validate_recruitment(contract, by=national)
    training = services.record_training(
        Contract.objects.get(pk=contract.pk).training,
        positioning_level=1,
        start_date=START,
        end_date=START + timedelta(weeks=13),
        by=national,
    )
    assert training.planned_weeks == 13
    assert training.stage(START + timedelta(days=1)) == TrainingStatus.IN_PROGRESS
    training = services.record_training(
        training,
        completed_on=date(2021, 7, 30),
        certified=True,
        certified_on=date(2021, 9, 1),
        by=national,
    )
    assert training.operational and training.certified


def test_the_database_refuses_two_current_contracts_for_one_person(employer):
    from django.db import IntegrityError

    candidate = factories.CandidateFactory(commune=employer.commune)
    proposal = shortlisted(employer, candidate)
    fields = {**CDD, "gross_monthly_salary_cents": 180_000}
    Contract.objects.create(
        proposal=proposal,
        candidate=candidate,
        structure=employer,
        post=factories.post_for(employer),
        **fields,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Contract.objects.create(
            proposal=proposal,
            candidate=candidate,
            structure=employer,
            post=factories.post_for(employer),
            **fields,
        )


def _race(actions):
    """Run each action in its own thread and transaction, the first holding its
    transaction open while the second runs; return what each raised (or 'ok')."""
    started = threading.Barrier(2)
    outcomes = {}

    def run(index, action):
        try:
            with transaction.atomic():
                if index == 1:
                    started.wait()
                action()
                if index == 0:
                    started.wait()
                    time.sleep(0.5)
            outcomes[index] = "ok"
        except ValidationError as error:
            outcomes[index] = " ".join(error.messages)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_structures_recruiting_one_person_at_the_same_moment(jura):
    a = factories.StructureFactory(validated=True, granted_posts=1, commune__departement=jura)
    b = factories.StructureFactory(validated=True, granted_posts=1, commune__departement=jura)
    candidate = factories.CandidateFactory(commune=a.commune)
    pa, pb = shortlisted(a, candidate), shortlisted(b, candidate)
    ma, mb = manager_of(a), manager_of(b)
    outcomes = _race([lambda: request(pa, ma), lambda: request(pb, mb)])
    assert outcomes[0] == "ok"
    assert "déjà en poste ou en cours de recrutement" in outcomes[1]
    assert Contract.objects.filter(candidate=candidate).count() == 1


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_one_open_post_two_recruitments_at_the_same_moment(jura):
    structure = factories.StructureFactory(
        validated=True, granted_posts=1, commune__departement=jura
    )
    first, second = shortlisted(structure), shortlisted(structure)
    manager = manager_of(structure)
    outcomes = _race([lambda: request(first, manager), lambda: request(second, manager)])
    assert outcomes[0] == "ok" and "Tous les postes" in outcomes[1]
    assert Structure.objects.get(pk=structure.pk).occupied_posts == 1
