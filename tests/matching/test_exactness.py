"""The exactness contract (DOMAIN §4.2): after any sequence of events, once the task queue
has run, the stored proposals equal a full recomputation and an independent brute-force
reading of the rules (``tests/matching/reference.py``).

Random event sequences (hypothesis, stateful) on random national-like data: mainland towns
and Corsica (one closed world), Guadeloupe with Saint-Martin, La Réunion; candidates at
the structures' communes (ties), exactly at a radius from them, or scattered; dates around
today. Events go through the services, as the pages and the API do.

Profiles: ``HYPOTHESIS_PROFILE=ci`` (derandomised, the bounded run of the continuous
integration, on PostgreSQL only) or the smaller default (local runs).
"""

import ast
import contextlib
import itertools
import math
import os
import random
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django.test import TestCase
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from cnfs.accounts.enums import Role
from cnfs.candidates import services as candidate_services
from cnfs.candidates.enums import CandidateStatus
from cnfs.candidates.models import Candidate
from cnfs.committee import services as committee
from cnfs.committee.enums import Decision
from cnfs.common.workflow import TransitionNotAllowed
from cnfs.contracts import services as contracts
from cnfs.contracts.enums import OCCUPYING_STATUSES, ContractStatus
from cnfs.contracts.models import Contract
from cnfs.matching import engine
from cnfs.matching import services as matching
from cnfs.matching.enums import Origin, ProposalStatus
from cnfs.matching.models import Proposal
from cnfs.structures.enums import Opinion, RequestKind, RequestStatus, StructureStatus
from cnfs.structures.models import PostRequest, Structure
from cnfs.structures.services import request_amendment
from tests import factories
from tests.matching import reference

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "default")
LIMIT = 4  # short lists: they are full, so every freed place matters
DISTANCES = [5, 10, 15, 20, 40, 100, 2000]
START = datetime(2022, 3, 1, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))
EARTH_RADIUS_KM = 6371.0088

# (departement, region, postal code or None, centre, spread in degrees)
PLACES = [
    ("39", "27", None, (46.67, 5.55), 0.3),  # Lons-le-Saunier
    ("39", "27", None, (47.09, 5.49), 0.3),  # Dole
    ("39", "27", None, (45.76, 4.84), 0.3),  # Lyon
    ("2A", "94", None, (41.93, 8.74), 0.2),  # Ajaccio: Corsica is the mainland's world
    ("971", "01", None, (16.25, -61.55), 0.1),  # Guadeloupe
    ("971", "01", "97150", (18.07, -63.05), 0.02),  # Saint-Martin, its own world
    ("974", "04", None, (-21.1, 55.5), 0.1),  # La Réunion
]
INSEE = itertools.count(1)


def destination(origin, km: float, bearing_degrees: float):
    lat1, lon1 = map(math.radians, origin)
    angle, bearing = km / EARTH_RADIUS_KM, math.radians(bearing_degrees)
    lat2 = math.asin(
        math.sin(lat1) * math.cos(angle) + math.cos(lat1) * math.sin(angle) * math.cos(bearing)
    )
    lon2 = lon1 + math.atan2(
        math.sin(bearing) * math.sin(angle) * math.cos(lat1),
        math.cos(angle) - math.sin(lat1) * math.sin(lat2),
    )
    return math.degrees(lat2), math.degrees(lon2)


def commune(place: int, point):
    departement, region, postal, _, _ = PLACES[place]
    n = next(INSEE)
    return factories.CommuneFactory(
        insee=f"{n % 100_000:05d}",
        name=f"Commune {n}",
        latitude=point[0],
        longitude=point[1],
        postal_codes=postal or f"{n % 100_000:05d}",
        departement=factories.DepartementFactory(
            code=departement,
            name=f"Département {departement}",
            region=factories.RegionFactory(code=region, name=f"Région {region}"),
        ),
    )


def quietly(action):
    """Run one event as a request does, then the task queue (immediate in tests). A service
    refusing the event (a rule of the domain) is an event that did not happen."""
    with (
        TestCase.captureOnCommitCallbacks(execute=True),
        contextlib.suppress(ValidationError, TransitionNotAllowed),
    ):
        action()


class Matching(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.clock = time_machine.travel(START, tick=False)
        self.coordinates = self.clock.start()
        self.national = factories.UserFactory(roles=[(Role.NATIONAL, {})])
        self.managers = {}
        self.rng = random.Random(0)

    def teardown(self):
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)
        self.clock.stop()

    # The world ---------------------------------------------------------------------------

    def today(self):
        return engine.timezone.localdate()

    def manager(self, structure_pk: int):
        if structure_pk not in self.managers:
            structure = Structure.objects.get(pk=structure_pk)
            self.managers[structure_pk] = factories.UserFactory(
                roles=[(Role.STRUCTURE, {"structure": structure})]
            )
        return self.managers[structure_pk]

    def point_for_candidate(self):
        """At a structure's commune (ties), exactly at a radius from it, or scattered."""
        structures = list(Structure.objects.select_related("commune").order_by("pk"))
        how = self.rng.random()
        if structures and how < 0.6:
            s = self.rng.choice(structures)
            place = next(
                i
                for i, p in enumerate(PLACES)
                if p[0] == s.commune.departement_id
                and (p[2] is None) == (s.commune.postal_codes != "97150")
            )
            origin = (s.commune.latitude, s.commune.longitude)
            if how < 0.3:
                return place, (s.commune.latitude, s.commune.longitude)
            km = self.rng.choice(DISTANCES[:6])
            return place, destination(origin, km, self.rng.uniform(0, 360))
        place = self.rng.randrange(len(PLACES))
        _, _, _, centre, spread = PLACES[place]
        return place, (centre[0] + self.rng.gauss(0, spread), centre[1] + self.rng.gauss(0, spread))

    def candidate_fields(self):
        place, point = self.point_for_candidate()
        return {
            "commune": commune(place, point),
            "max_distance_km": self.rng.choice(DISTANCES),
            "available_from": self.today() + timedelta(days=self.rng.choice([-20, -1, 0, 1, 40])),
        }

    def new_candidate(self, **extra):
        profile = self.rng.choice(  # few profiles: many ties
            [
                {},
                {},
                {"has_diploma": True},
                {"pix_level": 2},
                {"former_advisor": True, "has_diploma": True},
            ]
        )
        return factories.CandidateFactory(**self.candidate_fields(), **profile, **extra)

    def grant(self, post_request, posts: int):
        """A committee session grants the request (a new structure, more posts, or posts
        given back)."""
        session = committee.create_session(session_date=self.today(), by=self.national)
        item = factories.AgendaItemFactory(session=session, request=post_request)
        committee.decide(item, decision=Decision.GRANTED, posts=posts, by=self.national)
        committee.close_session(session, by=self.national)

    def new_structure(self, place: int, posts: int):
        _, _, _, centre, spread = PLACES[place]
        point = (centre[0] + self.rng.gauss(0, spread), centre[1] + self.rng.gauss(0, spread))
        start = self.rng.choice([None, -15, 0, 10, 30])
        structure = factories.StructureFactory(
            commune=commune(place, point),
            posts_requested=posts,
            desired_start_date=None if start is None else self.today() + timedelta(days=start),
        )
        request = factories.PostRequestFactory(structure=structure, opinion=Opinion.FAVOURABLE)
        quietly(lambda: self.grant(request, posts))

    @initialize(
        seed=st.integers(0, 2**32 - 1),
        structures=st.integers(2, 8),
        candidates=st.integers(10, 250 if PROFILE == "ci" else 40),
    )
    def populate(self, seed, structures, candidates):
        self.rng = random.Random(seed)
        for _ in range(structures):
            self.new_structure(self.rng.randrange(len(PLACES)), self.rng.randint(1, 3))
        for _ in range(candidates):
            self.new_candidate()
        engine.recompute_all()  # the starting point; then only events

    # Events ------------------------------------------------------------------------------

    def pick(self, queryset, index: int):
        rows = list(queryset.order_by("pk").values_list("pk", flat=True))
        return rows[index % len(rows)] if rows else None

    def candidate(self, index: int, **filters):
        pk = self.pick(Candidate.objects.filter(**filters), index)
        return None if pk is None else Candidate.objects.get(pk=pk)

    def proposal(self, index: int, **filters):
        pk = self.pick(Proposal.objects.filter(**filters), index)
        return None if pk is None else Proposal.objects.select_related("structure").get(pk=pk)

    @rule()
    def candidate_applies(self):
        candidate = self.new_candidate(email_confirmed_at=None)
        quietly(lambda: candidate_services.confirm_email(candidate))

    @rule(index=st.integers(0, 10**6), what=st.sampled_from(["zone", "radius", "date", "off"]))
    def candidate_edits(self, index, what):
        candidate = self.candidate(index, status=CandidateStatus.ACTIVE, in_post=False)
        if candidate is None:
            return
        fields = self.candidate_fields()
        changes = {
            "zone": {"commune": fields["commune"]},
            "radius": {"max_distance_km": fields["max_distance_km"]},
            "date": {"available_from": fields["available_from"], "available": True},
            "off": {"available": not candidate.available},
        }[what]
        quietly(lambda: candidate_services.update_profile(candidate, by=None, **changes))

    @rule(index=st.integers(0, 10**6), at=st.integers(0, 10**6))
    def candidate_moves_to_a_structure(self, index, at):
        """To the very commune of a structure: ties with everyone living there."""
        candidate = self.candidate(index, status=CandidateStatus.ACTIVE, in_post=False)
        pk = self.pick(Structure.objects.all(), at)
        if candidate is None or pk is None:
            return
        commune = Structure.objects.get(pk=pk).commune
        quietly(lambda: candidate_services.update_profile(candidate, by=None, commune=commune))

    @rule(index=st.integers(0, 10**6))
    def candidate_withdraws(self, index):
        candidate = self.candidate(index, status=CandidateStatus.ACTIVE, in_post=False)
        if candidate is not None:
            quietly(lambda: candidate_services.withdraw(candidate, by=None))

    @rule(place=st.integers(0, len(PLACES) - 1), posts=st.integers(1, 3))
    def structure_validated(self, place, posts):
        self.new_structure(place, posts)

    @rule(index=st.integers(0, 10**6), posts=st.integers(1, 2), more=st.booleans())
    def posts_added_or_given_back(self, index, posts, more):
        pk = self.pick(Structure.objects.filter(status=StructureStatus.VALIDATED), index)
        if (
            pk is None
            or PostRequest.objects.filter(structure_id=pk, status=RequestStatus.OPEN).exists()
        ):
            return
        structure = Structure.objects.get(pk=pk)
        kind = RequestKind.ADDITION if more else RequestKind.GIVEBACK
        reason = "strong_demand" if more else "end_of_funding"

        def amend():
            request = request_amendment(
                structure, kind=kind, posts=posts, reason=reason, by=self.manager(pk)
            )
            self.grant(request, posts)

        quietly(amend)

    @rule(index=st.integers(0, 10**6))
    def structure_declines(self, index):
        proposal = self.proposal(
            index, status__in=[ProposalStatus.PROPOSED, ProposalStatus.SHORTLISTED]
        )
        if proposal is not None:
            by = self.manager(proposal.structure_id)
            quietly(lambda: matching.decline(proposal, reason="profile", by=by))

    @rule(index=st.integers(0, 10**6))
    def structure_shortlists(self, index):
        proposal = self.proposal(index, status=ProposalStatus.PROPOSED)
        if proposal is not None:
            by = self.manager(proposal.structure_id)
            quietly(lambda: matching.shortlist(proposal, by=by))

    @rule(index=st.integers(0, 10**6))
    def structure_takes_back_a_declined_profile(self, index):
        """Undo a refusal: the structure finds the profile again by search."""
        proposal = self.proposal(index, status=ProposalStatus.DECLINED)
        if proposal is not None:
            by = self.manager(proposal.structure_id)
            quietly(
                lambda: matching.shortlist_manually(proposal.structure, proposal.candidate, by=by)
            )

    @rule(index=st.integers(0, 10**6))
    def recruitment_requested(self, index):
        proposal = self.proposal(index, status=ProposalStatus.SHORTLISTED)
        if proposal is None:
            return
        by = self.manager(proposal.structure_id)
        today = self.today()
        quietly(
            lambda: contracts.request_recruitment(
                proposal,
                kind="cdd",
                start_date=today,
                end_date=today + timedelta(days=365),
                weekly_hours=35,
                salary_cents=180_000,
                by=by,
            )
        )

    @rule(index=st.integers(0, 10**6), accept=st.booleans())
    def recruitment_decided(self, index, accept):
        """The national team validates (the candidate is recruited) or refuses (undo: back
        to the shortlist)."""
        pk = self.pick(Contract.objects.filter(status=ContractStatus.REQUESTED), index)
        if pk is None:
            return
        contract = Contract.objects.get(pk=pk)
        if accept:
            quietly(lambda: contracts.validate_recruitment(contract, by=self.national))
        else:
            quietly(
                lambda: contracts.reject_recruitment(contract, reason="Pièces", by=self.national)
            )

    @rule(index=st.integers(0, 10**6))
    def contract_ends(self, index):
        pk = self.pick(Contract.objects.filter(status=ContractStatus.ACTIVE), index)
        if pk is None:
            return
        contract = Contract.objects.get(pk=pk)
        quietly(
            lambda: contracts.end_contract(
                contract, ended_on=self.today(), reason="resignation", by=self.national
            )
        )

    @rule()
    def a_day_passes(self):
        """Dates move every list ("available now", started missions): the nightly
        recomputation, the periodic task of the day, follows."""
        self.coordinates.shift(timedelta(days=1))
        call_command("recompute_proposals", "--apply", stdout=open(os.devnull, "w"))  # noqa: SIM115

    # The contract ------------------------------------------------------------------------

    @invariant()
    def stored_proposals_are_exact(self):
        stored = stored_lists()
        assert stored == brute_force(self.today()), "the brute-force reference differs"
        report = engine.recompute_all()
        assert (report.created, report.updated, report.reproposed, report.removed) == (
            0,
            0,
            0,
            0,
        ), "the full recomputation differs"
        assert stored_lists() == stored


def stored_lists() -> dict:
    return {
        (c, s): (round(km * 1000), round(score * 100))
        for c, s, km, score in Proposal.objects.filter(
            status=ProposalStatus.PROPOSED, origin=Origin.ENGINE
        ).values_list("candidate_id", "structure_id", "distance_km", "score")
    }


def brute_force(today) -> dict:
    people = [
        reference.Person(
            pk=c.pk,
            latitude=c.commune.latitude,
            longitude=c.commune.longitude,
            departement=c.commune.departement_id,
            postal_codes=c.commune.postal_codes,
            max_km=c.max_distance_km,
            matchable=(
                c.status == CandidateStatus.ACTIVE
                and c.email_confirmed_at is not None
                and c.available
                and not c.in_post
            ),
            available_from=c.available_from,
            trained=c.former_advisor,
            diploma=c.has_diploma,
            experience=c.has_experience,
            pix=c.pix_level or 0,
            zone_version=c.zone_version,
        )
        for c in Candidate.objects.select_related("commune")
    ]
    occupied = {}
    for structure_id in Contract.objects.filter(status__in=OCCUPYING_STATUSES).values_list(
        "structure_id", flat=True
    ):
        occupied[structure_id] = occupied.get(structure_id, 0) + 1
    employers = [
        reference.Employer(
            pk=s.pk,
            latitude=s.commune.latitude,
            longitude=s.commune.longitude,
            departement=s.commune.departement_id,
            postal_codes=s.commune.postal_codes,
            validated=s.status == StructureStatus.VALIDATED,
            granted=s.granted_posts,
            occupied=occupied.get(s.pk, 0),
            start=s.desired_start_date,
        )
        for s in Structure.objects.select_related("commune")
    ]
    acted = [
        reference.Acted(c, s, status, origin == Origin.ENGINE, declined)
        for c, s, status, origin, declined in Proposal.objects.exclude(
            status=ProposalStatus.PROPOSED, origin=Origin.ENGINE
        ).values_list("candidate_id", "structure_id", "status", "origin", "declined_zone_version")
    ]
    return reference.expected_lists(people, employers, acted, today=today, limit=LIMIT)


@pytest.mark.skipif(
    PROFILE == "ci" and connection.vendor != "postgresql",
    reason="needs PostgreSQL (DATABASE_URL=postgres://…): the CI profile runs there",
)
def test_stored_proposals_equal_the_full_recomputation_and_the_reference(db, settings):
    settings.MATCHING_PROPOSALS_PER_STRUCTURE = LIMIT
    run_state_machine_as_test(Matching, settings=hypothesis_settings.get_profile(PROFILE))


def test_the_reference_imports_nothing_from_the_product():
    tree = ast.parse(Path(reference.__file__).read_text())
    modules = [
        name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for name in (
            [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
        )
    ]
    assert modules, "the check reads the imports"
    assert not [m for m in modules if m and (m == "cnfs" or m.startswith(("cnfs.", "tests.")))]


def test_the_reference_sees_the_boundary_and_the_ranking():
    """The reference itself: a candidate exactly at the radius is in, ties go to the lowest
    number, overseas worlds are closed, Corsica is mainland."""
    today = START.date()

    def person(pk, point, max_km=20, departement="39", postal="39000"):
        return reference.Person(
            pk, *point, departement, postal, max_km, True, today, False, False, False, 0, 1
        )

    lons = (46.67, 5.55)
    employer = reference.Employer(1, *lons, "39", "39300", True, 1, 0, None)
    people = [
        person(3, destination(lons, 20, 10)),
        person(2, destination(lons, 20, 200)),
        person(4, destination(lons, 20.001, 90)),
        person(5, (41.93, 8.74), max_km=2000, departement="2A"),
        person(6, (16.25, -61.55), max_km=2000, departement="971", postal="97100"),
    ]
    got = reference.expected_lists(people, [employer], [], today=today, limit=3)
    assert list(got) == [(2, 1), (3, 1), (5, 1)]
    assert got[(2, 1)][0] == 20_000
