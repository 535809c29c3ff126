from datetime import date

import factory
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from factory.django import DjangoModelFactory
from stdnum import luhn

from cnfs.accounts.models import RoleAssignment, User
from cnfs.candidates.models import Candidate
from cnfs.committee.models import AgendaItem, Session
from cnfs.posts.models import Post
from cnfs.structures.enums import LegalType, RequestKind, StructureStatus
from cnfs.structures.models import PostRequest, Structure
from cnfs.territories.models import Commune, Departement, Region

PASSWORD = "Un-mot-de-passe-solide-2021"


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = "27"
    name = "Bourgogne-Franche-Comté"


class DepartementFactory(DjangoModelFactory):
    class Meta:
        model = Departement
        django_get_or_create = ["code"]

    code = "39"
    name = "Jura"
    region = factory.SubFactory(RegionFactory)


class CommuneFactory(DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ["insee"]

    insee = factory.Sequence(lambda n: f"{39000 + n % 999 + 1:05d}")
    name = factory.Sequence(lambda n: f"Commune {n}")
    search_name = factory.LazyAttribute(lambda o: o.name.lower())
    departement = factory.SubFactory(DepartementFactory)
    region = factory.SelfAttribute("departement.region")
    postal_codes = factory.LazyAttribute(lambda o: o.insee)
    population = 1000
    latitude = 46.67
    longitude = 5.55

    class Params:
        overseas = factory.Trait(
            departement=factory.SubFactory(
                DepartementFactory,
                code="971",
                name="Guadeloupe",
                region=factory.SubFactory(RegionFactory, code="01", name="Guadeloupe"),
            ),
            latitude=16.24,
            longitude=-61.53,
        )


def luhn_siret(n: int) -> str:
    """A valid SIRET built from a number: a valid SIREN (8 digits + Luhn key), then 4 digits
    and the SIRET's Luhn key."""
    siren = f"{(n * 104_729 + 21_000_000) % 10**8:08d}"
    base = siren + luhn.calc_check_digit(siren) + f"{n % 10_000:04d}"
    return base + luhn.calc_check_digit(base)


class StructureFactory(DjangoModelFactory):
    """A confirmed application; traits ``validated`` (with ``granted_posts``)."""

    class Meta:
        model = Structure
        skip_postgeneration_save = True

    legal_type = LegalType.EPCI
    name = factory.Sequence(lambda n: f"Structure {n}")
    siret = factory.Sequence(luhn_siret)
    commune = factory.SubFactory(CommuneFactory)
    contact_first_name = "Dominique"
    contact_last_name = "Martin"
    contact_role = "Directrice générale des services"
    contact_email = factory.Sequence(lambda n: f"contact{n}@structure.fr")
    contact_phone = "+33384000000"
    posts_requested = 1
    motivation = "Accompagner les habitants dans leurs démarches en ligne."
    commitments_accepted_at = factory.LazyFunction(timezone.now)
    email_confirmed_at = factory.LazyFunction(timezone.now)

    class Params:
        validated = factory.Trait(status=StructureStatus.VALIDATED, granted_posts=1)

    @factory.post_generation
    def posts(self, create, extracted, **kwargs):
        """One post record per post granted (the counters are the post model's cache)."""
        if not create or not self.granted_posts or self.posts.exists():
            return
        share = self.committed_subsidy_cents // self.granted_posts or DEFAULT_POST_CENTS
        Post.objects.bulk_create(
            Post(structure=self, granted_on=date.today(), amount_cents=share)
            for _ in range(self.granted_posts)
        )
        if not self.committed_subsidy_cents:
            self.committed_subsidy_cents = share * self.granted_posts
            Structure.objects.filter(pk=self.pk).update(
                committed_subsidy_cents=self.committed_subsidy_cents
            )


DEFAULT_POST_CENTS = 50_000_00


def post_for(structure) -> Post:
    """A free post of ``structure`` for a contract a test writes directly (one is granted
    if none is free)."""
    post = Post.objects.free().filter(structure=structure).order_by("pk").first()
    if post is None:
        post = Post.objects.create(
            structure=structure, granted_on=date.today(), amount_cents=DEFAULT_POST_CENTS
        )
    return post


class PostRequestFactory(DjangoModelFactory):
    class Meta:
        model = PostRequest

    structure = factory.SubFactory(StructureFactory)
    kind = RequestKind.APPLICATION
    posts = factory.SelfAttribute("structure.posts_requested")


class SessionFactory(DjangoModelFactory):
    class Meta:
        model = Session
        django_get_or_create = ["number"]

    number = factory.Sequence(lambda n: n + 1)
    date = factory.LazyFunction(date.today)


class AgendaItemFactory(DjangoModelFactory):
    class Meta:
        model = AgendaItem

    session = factory.SubFactory(SessionFactory)
    request = factory.SubFactory(PostRequestFactory)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Dupont{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        """``roles=[(Role.PREFECTURE, {"departement": jura}), …]``"""
        self.save()
        for role, scope in extracted or []:
            RoleAssignment.objects.create(user=self, role=role, **scope)


class CandidateFactory(DjangoModelFactory):
    class Meta:
        model = Candidate

    first_name = "Sam"
    last_name = factory.Sequence(lambda n: f"Candidat{n}")
    email = factory.Sequence(lambda n: f"candidat{n}@exemple.fr")
    phone = "+33600000000"
    commune = factory.SubFactory(CommuneFactory)
    max_distance_km = 20
    available = True
    available_from = factory.LazyFunction(date.today)
    situation = "job_seeker"
    motivation = "Aider les autres à maîtriser le numérique."
    consent_at = factory.LazyFunction(timezone.now)
    email_confirmed_at = factory.LazyFunction(timezone.now)


def validated_contract(structure, *, start: date, post=None, candidate=None, **fields):
    """A recruitment of ``structure`` as the national team's validation leaves it (written
    directly: for tests of what follows a recruitment)."""
    from cnfs.contracts.models import Contract
    from cnfs.matching.enums import ProposalStatus
    from cnfs.matching.models import Proposal

    candidate = candidate or CandidateFactory(commune=structure.commune, in_post=True)
    proposal = Proposal.objects.create(
        candidate=candidate,
        structure=structure,
        status=ProposalStatus.RECRUITED,
        distance_km=1,
        score=1,
    )
    values = {"kind": "cdi", "weekly_hours": 35, "gross_monthly_salary_cents": 1_900_00}
    return Contract.objects.create(
        proposal=proposal,
        candidate=candidate,
        structure=structure,
        post=post or post_for(structure),
        start_date=start,
        status="active",
        **{**values, **fields},
    )


def authenticator(user):
    """A confirmed authenticator app (TOTP) for ``user``, as set up at a first login."""
    return TOTPDevice.objects.create(user=user, name="Application", confirmed=True)


def code_of(device, *, at: float | None = None) -> str:
    """What the authenticator app shows now (or at the Unix time ``at``)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if at is not None:
        totp.time = at
    return f"{totp.token():0{device.digits}d}"
