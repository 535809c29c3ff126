"""Benchmarks: one module of ``cnfs.bench`` per app (``cnfs/bench/<app>.py``) declares its
figures with ``@benchmark``; the ``bench`` command lists the modules it runs.

A benchmark returns one or more ``Figure``: the measured value and a baseline measured in
the same run (ratio = value / baseline), so figures compare across machines.
"""

import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import timedelta

from django.db import connection, transaction
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from cnfs.accounts.enums import Role
from cnfs.accounts.models import RoleAssignment, User
from cnfs.candidates.models import Candidate
from cnfs.contracts.enums import ContractStatus
from cnfs.contracts.models import Contract, Training
from cnfs.demo.building import build_demo
from cnfs.matching.enums import ProposalStatus
from cnfs.matching.models import Proposal
from cnfs.places.enums import Access, Service
from cnfs.places.models import Place, PlaceAdvisor
from cnfs.posts.models import Post
from cnfs.posts.services import recount_many
from cnfs.structures.enums import StructureStatus
from cnfs.territories.loading import load_territories
from cnfs.territories.models import Commune

BENCHMARKS: list[Callable[[], list["Figure"]]] = []


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    baseline: float
    note: str

    @property
    def ratio(self) -> float:
        return round(self.value / self.baseline, 3) if self.baseline else 0.0

    def as_dict(self) -> dict:
        return {**asdict(self), "ratio": self.ratio}


def benchmark(function):
    BENCHMARKS.append(function)
    return function


def best_of(function, *, repeat: int = 5) -> float:
    """The fastest of ``repeat`` runs, in seconds (the least disturbed by the machine)."""
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        timings.append(time.perf_counter() - started)
    return min(timings)


def time_page(path: str, *, user=None, role=None, repeat: int = 5) -> tuple[float, int]:
    """(best time in ms, number of SQL queries) of a GET of ``path`` as ``user`` (in the
    active role ``role`` if given)."""

    client = Client(SERVER_NAME="localhost")
    if user is not None:
        client.force_login(user)
    if role is not None:
        session = client.session
        session["active_role"] = str(role)
        session.save()
    client.get(path)  # warm up (templates, caches)
    queries = []
    with connection.execute_wrapper(
        lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)
    ):
        response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}")
    return best_of(lambda: client.get(path), repeat=repeat) * 1000, len(queries)


def ensure_national_scale():
    """Load the territories and the national-scale demo if they are not there yet."""

    if not Commune.objects.exists():
        load_territories()
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        return build_demo(scale=1)


BENCH_ADVISORS = 3578  # advisors in post in September 2022 (DOMAIN §1)


def ensure_national_recruitments():
    """The programme in its stride, as in September 2022 (DOMAIN §1): synthetic
    recruitments in the validated structures, up to their posts, until there are
    ``BENCH_ADVISORS`` contracts (bulk inserts, once). The demo's national scale has
    structures and candidates but no contracts."""

    missing = BENCH_ADVISORS - Contract.objects.count()
    if missing <= 0:
        return
    rng = random.Random(2022)  # noqa: S311 (synthetic data, reproducible)
    free_posts = list(
        Post.objects.free()
        .filter(structure__status=StructureStatus.VALIDATED)
        .select_related("structure")
        .order_by("pk")
    )
    rng.shuffle(free_posts)
    candidates = list(
        Candidate.objects.filter(in_post=False, contracts__isnull=True, user__isnull=True).order_by(
            "pk"
        )[:missing]
    )
    pairs = list(zip(free_posts, candidates, strict=False))
    # In post today for two years; three in four trained, the others in training.
    start = timezone.localdate() - timedelta(days=200)
    with transaction.atomic():
        # Recruited people leave the lists they were proposed in.
        Proposal.objects.filter(candidate__in=[c.pk for _, c in pairs]).delete()
        proposals = Proposal.objects.bulk_create(
            [
                Proposal(
                    candidate=c,
                    structure=post.structure,
                    status=ProposalStatus.RECRUITED,
                    distance_km=1,
                )
                for post, c in pairs
            ],
            batch_size=2000,
        )
        contracts = Contract.objects.bulk_create(
            [
                Contract(
                    proposal=p,
                    post=post,
                    candidate=p.candidate,
                    structure=p.structure,
                    kind="cdd",
                    start_date=start,
                    end_date=start + timedelta(days=730),
                    weekly_hours=35,
                    gross_monthly_salary_cents=1_950_00,
                    status=ContractStatus.ACTIVE,
                )
                for p, (post, _) in zip(proposals, pairs, strict=True)
            ],
            batch_size=2000,
        )
        Training.objects.bulk_create(
            [
                Training(
                    contract=c,
                    start_date=start + timedelta(days=14),
                    end_date=start + timedelta(days=240),
                    completed_on=start + timedelta(days=120) if rng.random() < 0.75 else None,
                )
                for c in contracts
            ],
            batch_size=2000,
        )
        recount_many({post.structure_id for post, _ in pairs})
        Candidate.objects.filter(pk__in=[c.pk for _, c in pairs]).update(in_post=True)


def ensure_places_of_advisors_in_post(total: int):
    """``total`` places in all, the missing ones each near its structure and served by one
    of its advisors in post (the national recruitments, given accounts): what the map, the
    partners' API and the open-data files publish at national scale (bulk inserts, once)."""

    count = total - Place.objects.count()
    if count <= 0:
        return
    ensure_national_recruitments()
    rng = random.Random(20)  # noqa: S311 (synthetic data, reproducible)
    today = timezone.localdate()
    with transaction.atomic():
        without = list(
            Candidate.objects.filter(
                pk__in=Contract.objects.in_post(today).values("candidate"), user__isnull=True
            )
        )
        users = User.objects.bulk_create(
            [User(email=f"conseiller-en-poste-{c.pk}@load.invalid") for c in without],
            batch_size=2000,
        )
        for candidate, user in zip(without, users, strict=True):
            candidate.user = user
        Candidate.objects.bulk_update(without, ["user"], batch_size=2000)
        in_post = list(
            Contract.objects.in_post(today)
            .select_related("candidate", "structure__commune")
            .order_by("pk")
        )
        # The advisor role for those who lack it (scopes are NULL: no unique constraint
        # would catch a second copy, and the demo's grant_role would then find two).
        advisors = set(
            RoleAssignment.objects.filter(role=Role.ADVISOR).values_list("user_id", flat=True)
        )
        RoleAssignment.objects.bulk_create(
            [
                RoleAssignment(user_id=user_id, role=Role.ADVISOR)
                for user_id in sorted({c.candidate.user_id for c in in_post} - advisors)
            ],
            batch_size=2000,
        )
        places = Place.objects.bulk_create(
            [
                Place(
                    name=f"Lieu de médiation numérique {n}",
                    address=f"{n} rue de la République",
                    structure_id=contract.structure_id,
                    commune_id=contract.structure.commune_id,
                    latitude=contract.structure.commune.latitude + rng.uniform(-0.02, 0.02),
                    longitude=contract.structure.commune.longitude + rng.uniform(-0.02, 0.02),
                    access=rng.choice(Access.values),
                    services=rng.sample(Service.values, 3),
                    checked_at=timezone.now(),
                )
                for n, contract in ((n, in_post[n % len(in_post)]) for n in range(count))
            ],
            batch_size=2000,
        )
        has_main = set(PlaceAdvisor.objects.filter(main=True).values_list("advisor_id", flat=True))
        PlaceAdvisor.objects.bulk_create(
            [
                PlaceAdvisor(
                    place=place,
                    advisor_id=in_post[n % len(in_post)].candidate.user_id,
                    # one main place per advisor (the demo's have theirs)
                    main=n < len(in_post)
                    and in_post[n % len(in_post)].candidate.user_id not in has_main,
                )
                for n, place in enumerate(places)
            ],
            batch_size=2000,
        )
