"""Synthetic activity reports at national scale, for benchmarks and the statistics pages.

Reports are written directly (``bulk_create`` by batches of 10,000: the rules of the
services hold by construction), then the counter tables are rebuilt from them with one
INSERT … SELECT per table (``counters.rebuild_counters``). Deterministic for a given seed.
"""

import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from cnfs.accounts.enums import Role
from cnfs.accounts.models import RoleAssignment, User
from cnfs.activity import counters
from cnfs.activity.enums import AgeBracket, Body, Channel, Duration, Kind, Status, Theme
from cnfs.activity.models import Report
from cnfs.contracts.models import Contract
from cnfs.places.models import PlaceAdvisor
from cnfs.structures.enums import StructureStatus
from cnfs.structures.models import Structure

BATCH = 10_000
SYNTHETIC_DOMAIN = "conseiller.synthetique.invalid"

KIND_WEIGHTS = {Kind.INDIVIDUAL: 55, Kind.ONE_OFF: 30, Kind.WORKSHOP: 15}
CHANNEL_WEIGHTS = {Channel.PLACE: 70, Channel.REMOTE: 15, Channel.HOME: 8, Channel.OTHER_PLACE: 7}
# fmt: skip below: a data table laid out by hand for reading.
AGE_WEIGHTS = {
    AgeBracket.UNDER_12: 4, AgeBracket.FROM_12_TO_18: 8, AgeBracket.FROM_18_TO_35: 20,
    AgeBracket.FROM_35_TO_60: 30, AgeBracket.OVER_60: 38,
}  # fmt: skip
# fmt: skip below: a data table laid out by hand for reading.
STATUS_WEIGHTS = {
    Status.STUDENT: 10, Status.JOB_SEEKER: 20, Status.EMPLOYED: 22, Status.RETIRED: 36,
    Status.UNKNOWN: 12,
}  # fmt: skip
# fmt: skip below: a data table laid out by hand for reading.
THEME_WEIGHTS = {
    Theme.PROCEDURES: 20, Theme.EMAIL: 12, Theme.SMARTPHONE: 12, Theme.EQUIPMENT: 10,
    Theme.INTERNET: 8, Theme.SECURITY: 6, Theme.VOCABULARY: 5, Theme.COMMUNICATING: 4,
    Theme.WORD_PROCESSING: 4, Theme.HEALTH: 4, Theme.JOB: 3, Theme.CONTENT: 3, Theme.FRAUD: 2,
    Theme.DIAGNOSIS: 2, Theme.BUDGET: 1, Theme.SCHOOLING: 1, Theme.CHILD: 1,
    Theme.SMALL_BUSINESS: 1, Theme.OTHER: 1,
}  # fmt: skip
PRECISE_MINUTES = [60, 75, 90, 105, 120, 150, 180, 240]


def _spread(rng, total: int, weights: dict) -> dict:
    drawn = rng.choices(list(weights), weights=list(weights.values()), k=total)
    return dict(Counter(str(value) for value in drawn))


def random_report_data(rng, *, day: date, places: list[int], commune: str | None) -> dict:
    """A plausible, valid report (the services' ``data``) drawn from ``rng``."""
    kind = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]
    channel = rng.choices(list(CHANNEL_WEIGHTS), weights=list(CHANNEL_WEIGHTS.values()))[0]
    if channel == Channel.PLACE and not places:
        channel = Channel.REMOTE
    if channel in (Channel.HOME, Channel.OTHER_PLACE) and commune is None:
        channel = Channel.REMOTE
    participants = rng.choice([2, 3, 4, 5, 6, 8, 10, 12, 15, 25]) if kind == Kind.WORKSHOP else 1
    if kind == Kind.ONE_OFF:
        duration = rng.choice([Duration.UNDER_30, Duration.UNDER_30, Duration.FROM_30_TO_60])
    else:
        duration = rng.choice([Duration.FROM_30_TO_60, Duration.MINUTES])
    redirections = {}
    if rng.random() < 0.15:
        redirections[str(rng.choice(Body.values))] = 1
    followups = (
        rng.randint(0, participants - sum(redirections.values())) if rng.random() < 0.2 else 0
    )
    themes = set(
        rng.choices(list(THEME_WEIGHTS), weights=list(THEME_WEIGHTS.values()), k=rng.randint(1, 3))
    )
    return {
        "date": day,
        "kind": str(kind),
        "channel": str(channel),
        "place": rng.choice(places) if channel == Channel.PLACE else None,
        "commune": commune if channel in (Channel.HOME, Channel.OTHER_PLACE) else None,
        "participants": participants,
        "returning": rng.randint(0, participants) if rng.random() < 0.3 else 0,
        "ages": _spread(rng, participants, AGE_WEIGHTS),
        "statuses": _spread(rng, participants, STATUS_WEIGHTS),
        "themes": [str(t) for t in Theme if t in themes],
        "tags": [],
        "duration": str(duration),
        "minutes": rng.choice(PRECISE_MINUTES) if duration == Duration.MINUTES else None,
        "followup_individual": followups,
        "followup_workshop": 0,
        "redirections": redirections,
        "aidants_connect": rng.random() < 0.05,
    }


@dataclass
class Author:
    user_id: int
    structure_id: int
    departement_id: str
    commune_id: str
    places: list


def _authors(count: int) -> list[Author]:
    """Advisors in post, then ``count`` synthetic advisors spread over validated structures."""
    places = {}
    for link in PlaceAdvisor.objects.values("advisor_id", "place_id").order_by("place_id"):
        places.setdefault(link["advisor_id"], []).append(link["place_id"])
    in_post = (
        Contract.objects.in_post()
        .filter(candidate__user__isnull=False)
        .values(
            "candidate__user_id",
            "structure_id",
            "structure__departement_id",
            "structure__commune_id",
        )
        .order_by("pk")
    )
    authors = [
        Author(
            c["candidate__user_id"],
            c["structure_id"],
            c["structure__departement_id"],
            c["structure__commune_id"],
            places.get(c["candidate__user_id"], []),
        )
        for c in in_post
    ]
    if count:
        structures = list(
            Structure.objects.filter(status=StructureStatus.VALIDATED)
            .values("pk", "departement_id", "commune_id")
            .order_by("pk")
        )
        if not structures:
            raise CommandError("Aucune structure validée : lancez d’abord seed_demo.")
        with transaction.atomic():
            for index in range(count):
                user, created = User.objects.get_or_create(
                    email=f"conseiller{index}@{SYNTHETIC_DOMAIN}",
                    defaults={"first_name": "Conseiller", "last_name": f"Synthétique {index}"},
                )
                if created:
                    RoleAssignment.objects.create(user=user, role=Role.ADVISOR)
                structure = structures[index % len(structures)]
                authors.append(
                    Author(
                        user.pk,
                        structure["pk"],
                        structure["departement_id"],
                        structure["commune_id"],
                        places.get(user.pk, []),
                    )
                )
    return authors


def _report(author: Author, data: dict, place_communes: dict) -> Report:
    fields = {k: v for k, v in data.items() if k not in ("place", "commune")}
    place = data["place"]
    return Report(
        advisor_id=author.user_id,
        structure_id=author.structure_id,
        departement_id=author.departement_id,
        place_id=place,
        commune_id=place_communes[place] if place else data["commune"],
        **fields,
    )


def generate(*, count: int, seed: int, advisors: int = 0, start: date, end: date, out=None):
    rng = random.Random(seed)  # noqa: S311 (synthetic data, not secrets)
    authors = _authors(advisors)
    place_communes = dict(PlaceAdvisor.objects.values_list("place_id", "place__commune_id"))
    if not authors:
        raise CommandError("Aucun conseiller en poste : utilisez --advisors K.")
    days = (end - start).days + 1
    written = 0
    while written < count:
        size = min(BATCH, count - written)
        reports = []
        for _ in range(size):
            author = rng.choice(authors)
            day = start + timedelta(days=rng.randrange(days))
            data = random_report_data(rng, day=day, places=author.places, commune=author.commune_id)
            reports.append(_report(author, data, place_communes))
        Report.objects.bulk_create(reports, batch_size=2_000)
        written += size
        if out:
            out.write(f"{written} / {count} comptes rendus")
    counters.rebuild_counters()
    return written


class Command(BaseCommand):
    help = (
        "Génère des comptes rendus d’activité synthétiques et réalistes (déterministes pour "
        "une graine), puis reconstruit les compteurs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True, help="Nombre de comptes rendus.")
        parser.add_argument("--seed", type=int, default=1, help="Graine du tirage.")
        parser.add_argument(
            "--advisors",
            type=int,
            default=0,
            help="Conseillers synthétiques à créer, rattachés tour à tour aux structures validées.",
        )
        parser.add_argument("--start", type=date.fromisoformat, default=date(2021, 1, 1))
        parser.add_argument("--end", type=date.fromisoformat, default=None)

    def handle(self, *args, count, seed, advisors, start, end, **options):
        end = end or timezone.localdate()
        if count < 1 or end < start:
            raise CommandError("--count doit être positif et --end suivre --start.")
        written = generate(
            count=count, seed=seed, advisors=advisors, start=start, end=end, out=self.stdout
        )
        self.stdout.write(
            self.style.SUCCESS(f"{written} comptes rendus générés, compteurs reconstruits.")
        )
