"""Builds the demo: deterministic, idempotent, one step per business area.

Each feature adds its step to STEPS (the seeds' story, through the same services as the
site) and its national-scale synthetic data to SCALE_STEPS (bulk inserts).
"""

import random
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from stdnum import luhn

from cnfs.accounts.enums import Role
from cnfs.accounts.models import User
from cnfs.accounts.scope import resolve_active_role
from cnfs.accounts.services import grant_role
from cnfs.activity.models import Report
from cnfs.candidates.models import Candidate
from cnfs.committee import services as committee
from cnfs.committee.enums import Decision, SessionStatus
from cnfs.committee.models import AgendaItem, Session
from cnfs.contracts import services as contracts
from cnfs.contracts import services as contracts_services
from cnfs.contracts.enums import EndReason
from cnfs.contracts.models import Contract
from cnfs.coordination import services as coordination
from cnfs.coordination.enums import ActivityKind
from cnfs.coordination.models import Coordinator, Hub, Membership, Network
from cnfs.demo.management.commands.generate_reports import generate
from cnfs.demo.second_factor import ensure_demo_second_factor
from cnfs.demo.seeds import (
    DEMO_DOMAIN,
    DEMO_PASSWORD,
    FIRST_SESSION,
    HAUTES_ALPES_STRUCTURES,
    JURA_STRUCTURES,
    LATER_SESSION,
)
from cnfs.demo.territory_contacts import seed_faq_and_resources, seed_territory_contacts
from cnfs.devidp.clients import register_client
from cnfs.funding.rates import budget_in_force, national_commitments, rate_cents
from cnfs.funding.services import add_years
from cnfs.matching import engine, shortage
from cnfs.matching import engine as matching_engine
from cnfs.matching.enums import ProposalStatus
from cnfs.matching.models import Proposal
from cnfs.matching.services import shortlist, shortlist_manually
from cnfs.places.enums import Access, Public, Service
from cnfs.places.models import Place, PlaceAdvisor
from cnfs.places.services import create_place
from cnfs.posts import services as posts_services
from cnfs.posts.enums import PostKind
from cnfs.posts.models import Post
from cnfs.structures import services as structures
from cnfs.structures.enums import LegalType, Opinion, RequestKind, RequestStatus, StructureStatus
from cnfs.structures.models import PostRequest, Structure
from cnfs.territories.models import Commune, Departement


def fake_siret(n: int) -> str:
    """A valid SIRET (valid SIREN, then the SIRET's Luhn key) that no real establishment is
    likely to have."""
    siren = f"9{n // 10_000:07d}"
    base = siren + luhn.calc_check_digit(siren) + f"{n % 10_000:04d}"
    return base + luhn.calc_check_digit(base)


def _user(local_part: str, first_name: str, last_name: str) -> User:
    user, created = User.objects.get_or_create(
        email=f"{local_part}@{DEMO_DOMAIN}",
        defaults={"first_name": first_name, "last_name": last_name},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _as(user, kind):
    """Act in the demo as ``user`` with the active role ``kind`` (as a request would)."""

    user.active_role = resolve_active_role(user, kind)
    return user


def seed_users(story: dict):
    """One demo account per role; the console prints them (see DEMO_ACCOUNTS)."""
    story["national"] = national = _user("anct", "Camille", "National")
    grant_role(national, Role.NATIONAL)
    story["prefectures"] = {}
    for code, local_part in (("39", "prefecture-jura"), ("05", "prefecture-hautes-alpes")):
        prefect = _user(local_part, "Dominique", f"Préfecture {code}")
        grant_role(prefect, Role.PREFECTURE, departement=Departement.objects.get(pk=code))
        story["prefectures"][code] = prefect
    story["manager"] = _user("structure", "Claude", "Gestionnaire")
    grant_role(_user("candidat", "Alex", "Candidat"), Role.CANDIDATE)
    grant_role(_user("conseiller", "Sacha", "Conseiller"), Role.ADVISOR)
    story["financial"] = financial = _user("banque-des-territoires", "Morgan", "Financeur")
    grant_role(financial, Role.FINANCIAL)
    for privileged in (national, financial):
        ensure_demo_second_factor(privileged)
    story["multi"] = multi = _user("multi-roles", "Lou", "Multirôle")
    grant_role(multi, Role.ADVISOR)


def _apply(name, legal_type, insee, posts, contact_email, n) -> Structure:
    structure = Structure.objects.filter(name=name).first()
    if structure:
        return structure
    structure = structures.submit_application(
        legal_type=legal_type,
        name=name,
        siret=fake_siret(n),
        address="Hôtel de la collectivité",
        commune=Commune.objects.get(pk=insee),
        contact_first_name="Contact",
        contact_last_name=name[:60],
        contact_role="Direction",
        contact_email=contact_email,
        contact_phone="+33300000000",
        posts_requested=posts,
        motivation="Rapprocher le numérique du quotidien des habitants du territoire.",
        label_france_services=legal_type == LegalType.EPCI,
    )
    structures.confirm_email(structure)
    return structure


def seed_committee_story(story: dict):
    """The seeds' committees: Jura 13 posts in 9 structures; Hautes-Alpes 11 then 7 posts."""
    if Session.objects.filter(number=FIRST_SESSION[0]).exists():
        story["jura"] = [Structure.objects.get(name=row[0]) for row in JURA_STRUCTURES]
        return
    national = _as(story["national"], Role.NATIONAL)
    planned = {}  # structure pk → (posts, session number)
    jura = []
    for n, (name, legal_type, insee, posts) in enumerate(JURA_STRUCTURES, start=1):
        email = f"structure@{DEMO_DOMAIN}" if n in (1, 8) else f"jura-{n}@{DEMO_DOMAIN}"
        structure = _apply(name, legal_type, insee, posts, email, n)
        planned[structure.pk] = (posts, FIRST_SESSION[0])
        jura.append(structure)
    for n, (name, legal_type, insee, posts, session) in enumerate(
        HAUTES_ALPES_STRUCTURES, start=100
    ):
        structure = _apply(name, legal_type, insee, posts, f"hautes-alpes-{n}@{DEMO_DOMAIN}", n)
        planned[structure.pk] = (posts, session)
    story["jura"] = jura
    for request in PostRequest.objects.filter(structure__in=planned).select_related("structure"):
        prefect = _as(story["prefectures"][request.structure.departement_id], Role.PREFECTURE)
        structures.give_opinion(
            request,
            opinion=Opinion.FAVOURABLE,
            suggested_posts=request.posts,
            by=prefect,
            comment="Territoire où les besoins d’accompagnement sont forts.",
        )
    for number, day in (FIRST_SESSION, LATER_SESSION):
        session = committee.create_session(
            session_date=date.fromisoformat(day), number=number, by=national
        )
        committee.build_agenda(session, by=national)
        for item in session.items.select_related("request"):
            posts, wanted_session = planned[item.request.structure_id]
            if wanted_session == number:
                # The Porte du Jura's post is a coordination post (same rate: same figures).
                kind = (
                    PostKind.COORDINATION
                    if item.request.structure.name == COORDINATION_STRUCTURE
                    else PostKind.ADVISOR
                )
                committee.decide(
                    item, decision=Decision.GRANTED, posts=posts, post_kind=kind, by=national
                )
            else:
                # Not ready for this session: back to the pool for the next one.
                item.delete()
        committee.close_session(session, by=national)


def seed_manager_roles(story: dict):
    jura = story["jura"]
    grant_role(story["manager"], Role.STRUCTURE, structure=jura[0])
    grant_role(story["manager"], Role.STRUCTURE, structure=jura[7])
    grant_role(story["multi"], Role.STRUCTURE, structure=jura[1])


# fmt: skip below: a data table laid out by hand for reading.
FIRST_NAMES = [
    "Camille", "Léa", "Hugo", "Inès", "Lucas", "Manon", "Nathan", "Chloé", "Théo", "Sarah",
    "Louis", "Emma", "Jules", "Zoé", "Noah", "Jade", "Adam", "Lina", "Paul", "Alice",
]  # fmt: skip
# fmt: skip below: a data table laid out by hand for reading.
LAST_NAMES = [
    "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau",
    "Laurent", "Simon", "Michel", "Lefebvre", "Leroy", "Roux", "David", "Bertrand", "Morel",
]  # fmt: skip


def _candidate(n: int, commune, *, user=None, **fields) -> Candidate:
    first, last = FIRST_NAMES[n % len(FIRST_NAMES)], LAST_NAMES[n % len(LAST_NAMES)]
    email = user.email if user else f"candidat-{n:03d}@{DEMO_DOMAIN}"
    return Candidate.objects.create(
        user=user,
        first_name=user.first_name if user else first,
        last_name=user.last_name if user else last,
        email=email,
        phone="+33600000000",
        commune=commune,
        max_distance_km=fields.pop("max_distance_km", 40),
        available_from=fields.pop("available_from", date(2021, 4, 1)),
        situation=fields.pop("situation", "job_seeker"),
        motivation="Je souhaite aider chacun à devenir autonome avec le numérique.",
        consent_at=timezone.now(),
        email_confirmed_at=timezone.now(),
        **fields,
    )


def seed_recruitment_story(story: dict):
    """The Jura's 13 advisors recruited by its 9 structures, trained and operational at the
    end of September 2021 (seeds); candidates around the seeds' structures."""

    jura = story["jura"]
    if Contract.objects.filter(structure__in=jura).exists():
        return
    national = _as(story["national"], Role.NATIONAL)
    n = 0
    for structure, (_, _, _, posts) in zip(jura, JURA_STRUCTURES, strict=True):
        manager = _as(structure.managers.order_by("pk").first().user, Role.STRUCTURE)
        for _ in range(posts):
            n += 1
            if n == 1:
                user = User.objects.get(email=f"conseiller@{DEMO_DOMAIN}")
            elif structure.name == COORDINATION_STRUCTURE:
                user = _user("coordinateur", FIRST_NAMES[n], LAST_NAMES[n])
            else:
                first, last = FIRST_NAMES[n], LAST_NAMES[n]
                user = _user(f"conseiller-jura-{n:02d}", first, last)
            grant_role(user, Role.CANDIDATE)
            candidate = _candidate(n, structure.commune, user=user, has_diploma=n % 3 == 0)
            proposal = shortlist_manually(structure, candidate, by=manager)
            # In post today, trained and certified: dates relative to today.
            start = timezone.localdate() - timedelta(days=300 - 7 * (n % 4))
            contract = contracts.request_recruitment(
                proposal,
                kind="cdd",
                start_date=start,
                end_date=add_years(start, 2),
                weekly_hours=35,
                salary_cents=1_950_00,
                by=manager,
            )
            contract = contracts.validate_recruitment(contract, by=national)
            level = 1 + n % 3
            contracts.record_training(
                contract.training,
                positioning_level=level,
                organisation="Campus numérique du Jura (ECLA)",
                start_date=start + timedelta(days=14),
                end_date=start + timedelta(days=140),
                completed_on=start + timedelta(days=140),
                certified=True,
                certified_on=start + timedelta(days=190),
                by=national,
            )
    # Candidates still looking: around Lons, Dole and the Hautes-Alpes; the demo candidate.
    communes = [c.commune for c in jura[:3]] + [
        Commune.objects.get(pk=insee) for insee in ("05061", "05023", "05179")
    ]
    for k in range(18):
        _candidate(
            100 + k,
            communes[k % len(communes)],
            max_distance_km=[20, 40, 100][k % 3],
            has_experience=k % 2 == 0,
            pix_level=1 + k % 3,
        )
    demo = User.objects.get(email=f"candidat@{DEMO_DOMAIN}")
    _candidate(0, jura[0].commune, user=demo, max_distance_km=40, pix_level=2)
    engine.recompute_all()
    shortage.refresh(force=True)  # the pages read it; then the periodic command


# fmt: skip below: a data table laid out by hand for reading.
JURA_HOURS = ["Mo-Fr 09:00-12:00,14:00-17:00", "Tu,Th 14:00-18:00; Sa 09:00-12:00",
              "Mo-We 09:00-12:30; Fr 13:30-17:00"]  # fmt: skip


def seed_activity_story(story: dict):
    """Places in the Jura towns of the seeds' structures (some itinerant) and six months of
    reports of the Jura's advisors."""

    offered = [Service.EVERYDAY_USES, Service.ONLINE_PROCEDURES, Service.DEVICES]
    jura = story["jura"]
    if Report.objects.filter(structure__in=jura).exists():
        return
    for n, structure in enumerate(jura):
        advisors = [
            c.candidate.user
            for c in Contract.objects.in_post()
            .filter(structure=structure)
            .select_related("candidate__user")
            .order_by("pk")
        ]
        first = _as(advisors[0], Role.ADVISOR)
        place = create_place(
            by=first,
            main=True,
            advisors=advisors[1:],
            name=("Bus numérique " if n % 3 == 2 else "Espace numérique ") + structure.commune.name,
            address="Place de la Mairie",
            commune=structure.commune,
            opening_hours=JURA_HOURS[n % len(JURA_HOURS)],
            access=Access.APPOINTMENT if n % 2 else Access.WALK_IN,
            itinerant=n % 3 == 2,
            services=offered[: 1 + n % 3],
            publics=[Public.EVERYONE],
            phone="+33384000000",
            visible_on_map=True,
            appointment_url="https://rdv.anct.gouv.fr/" if n % 2 else "",
        )
        # Checked at different times: every freshness band shows in the follow-up.
        Place.objects.filter(pk=place.pk).update(
            checked_at=timezone.now() - timedelta(days=100 * n)
        )
        for advisor in advisors[1:]:
            PlaceAdvisor.objects.filter(place=place, advisor=advisor).update(main=True)
        PlaceAdvisor.objects.filter(place=place).update(shown_publicly=n % 2 == 0)
    today = timezone.localdate()
    generate(count=1500, seed=39, start=today - timedelta(days=182), end=today - timedelta(days=1))


LEAVING_ADVISOR = "conseiller-jura-03"  # the third advisor of ECLA


def seed_live_recruitment(story: dict):
    """A recruitment under way for the demo structure account: an advisor of ECLA resigned
    three weeks ago (the national team validated the end), so ECLA has an open post; the
    platform proposes candidates and its manager shortlisted two of them, the demo candidate
    among them. The demo candidate account thereby has live proposals."""
    ecla = story["jura"][0]
    leaving = Contract.objects.in_post().filter(
        structure=ecla, candidate__user__email=f"{LEAVING_ADVISOR}@{DEMO_DOMAIN}"
    )
    contract = leaving.first()
    if contract is None:  # already built
        return
    national = _as(story["national"], Role.NATIONAL)
    contracts_services.end_contract(
        contract,
        ended_on=timezone.localdate() - timedelta(days=21),
        reason=EndReason.RESIGNATION,
        by=national,
    )
    matching_engine.refresh_structure(ecla.pk)
    manager = _as(story["manager"], Role.STRUCTURE)
    demo = Candidate.objects.get(email=f"candidat@{DEMO_DOMAIN}")
    shortlist_manually(ecla, demo, by=manager)
    other = (
        Proposal.objects.filter(structure=ecla, status=ProposalStatus.PROPOSED)
        .exclude(candidate__former_advisor=True)
        .order_by("-score", "pk")
        .first()
    )
    if other is not None:
        shortlist(other, by=manager)


COORDINATION_STRUCTURE = JURA_STRUCTURES[3][0]  # Porte du Jura: one post, of coordination
HUB_NAME = "Hub numérique Bourgogne-Franche-Comté"
NETWORK_NAME = "Ligue de l’enseignement"
NETWORK_MEMBER = JURA_STRUCTURES[7][0]  # the Ligue de l’enseignement du Jura


def seed_coordination_story(story: dict):
    """The Porte du Jura's advisor, on its coordination post, coordinates the Jura's other
    12 advisors (a territory) and records a few coordination activities; a hub for
    Bourgogne-Franche-Comté; the Ligue de l’enseignement and its Jura member."""
    national = _as(story["national"], Role.NATIONAL)
    user = User.objects.get(email=f"coordinateur@{DEMO_DOMAIN}")
    if not Coordinator.objects.filter(user=user).exists():
        coordination.appoint_coordinator(
            advisor=user,
            departements=[Departement.objects.get(pk="39")],
            shown_publicly=True,
            by=national,
        )
        coordinator = _as(user, Role.COORDINATOR)
        today = timezone.localdate()
        for days, kind, title, people, minutes in (
            (60, ActivityKind.MEETING, "Réunion des conseillers numériques du Jura", 12, 150),
            (
                35,
                ActivityKind.TRAINING,
                "Atelier « arnaques en ligne » pour les conseillers",
                9,
                180,
            ),
            (14, ActivityKind.EVENT, "Stand au forum de l’emploi de Lons-le-Saunier", 40, 240),
            (7, ActivityKind.PARTNERSHIP, "Convention avec la médiathèque de Dole", 3, 90),
        ):
            coordination.record_activity(
                data={
                    "date": today - timedelta(days=days),
                    "kind": kind,
                    "title": title,
                    "participants": people,
                    "duration_minutes": minutes,
                },
                by=coordinator,
            )
    hub, _ = Hub.objects.get_or_create(
        name=HUB_NAME,
        defaults={
            "region_id": "27",
            "email": f"contact@hub-bfc.{DEMO_DOMAIN}",
            "website": "https://example.org/hub-bfc",
        },
    )
    coordination.add_staff(hub, user=_user("hub-bfc", "Ange", "Hub"), by=national)
    network, _ = Network.objects.get_or_create(name=NETWORK_NAME)
    staff = _as(_user("reseau-ligue", "Charlie", "Réseau"), Role.NETWORK)
    coordination.add_staff(network, user=staff, by=national)
    staff = _as(staff, Role.NETWORK)
    member = Structure.objects.get(name=NETWORK_MEMBER)
    if not Membership.objects.filter(network=network, structure=member).exists():
        manager = _as(story["manager"], Role.STRUCTURE)
        membership = coordination.declare_membership(structure=member, network=network, by=manager)
        coordination.confirm_membership(membership, by=staff)


DEMO_ACCOUNTS = [
    ("Équipe nationale (ANCT)", "anct"),
    ("Préfecture du Jura", "prefecture-jura"),
    ("Préfecture des Hautes-Alpes", "prefecture-hautes-alpes"),
    ("Structure accueillante (ECLA, Ligue de l’enseignement)", "structure"),
    ("Candidat", "candidat"),
    ("Conseiller numérique", "conseiller"),
    ("Opérateur financier (Banque des Territoires)", "banque-des-territoires"),
    ("Plusieurs rôles (conseiller + structure)", "multi-roles"),
    ("Conseiller numérique coordinateur (Jura)", "coordinateur"),
    ("Hub territorial Bourgogne-Franche-Comté", "hub-bfc"),
    ("Réseau national (Ligue de l’enseignement)", "reseau-ligue"),
]


def seed_proconnect_client(story: dict):
    """« Se connecter avec ProConnect » against the local provider, in development."""
    if settings.OIDC_DEV_PROVIDER:
        register_client(settings.SITE_URL)


STEPS = [
    seed_users,
    seed_committee_story,
    seed_manager_roles,
    seed_recruitment_story,
    seed_activity_story,
    seed_live_recruitment,
    seed_territory_contacts,
    seed_faq_and_resources,
    seed_coordination_story,
    seed_proconnect_client,
]


# --- National scale (bulk inserts, no e-mails, no per-row services) -----------------------

SCALE_STRUCTURES = 5000
SCALE_SESSIONS = 60
SYNTHETIC_PREFIX = "Structure synthétique "


def seed_synthetic_committee(rng: random.Random, scale: float):
    """``5,000 × scale`` structures spread like the population and ``60 × scale`` closed
    sessions whose decisions stay within the cap and the envelope."""
    count = int(SCALE_STRUCTURES * scale)
    if Structure.objects.filter(name__startswith=SYNTHETIC_PREFIX).exists() or count == 0:
        return
    communes = list(
        Commune.objects.filter(population__gt=0).values_list(
            "insee", "departement_id", "population"
        )
    )
    picked = rng.choices(communes, weights=[c[2] for c in communes], k=count)
    legal_types = [t for t, _ in LegalType.choices]
    statuses = (
        [StructureStatus.VALIDATED] * 62
        + [StructureStatus.SUBMITTED] * 20
        + [StructureStatus.REFUSED] * 10
        + [StructureStatus.COMPLEMENTARY_REVIEW] * 5
        + [StructureStatus.ABANDONED] * 3
    )
    start = datetime(2021, 1, 15, tzinfo=timezone.get_current_timezone())
    now = timezone.now()
    rows = []
    for i, (insee, departement, _) in enumerate(picked):
        status = rng.choice(statuses)
        rows.append(
            Structure(
                legal_type=rng.choice(legal_types),
                name=f"{SYNTHETIC_PREFIX}{i + 1:05d}",
                siret=fake_siret(100_000 + i),
                commune_id=insee,
                departement_id=departement,
                contact_first_name="Contact",
                contact_last_name=f"{i + 1:05d}",
                contact_email=f"structure-{i + 1:05d}@{DEMO_DOMAIN}",
                posts_requested=rng.randint(1, 4),
                status=status,
                commitments_accepted_at=now,
                email_confirmed_at=now,
                motivation="Structure générée pour les mesures à l’échelle nationale.",
            )
        )
    Structure.objects.bulk_create(rows, batch_size=1000)
    created = list(Structure.objects.filter(name__startswith=SYNTHETIC_PREFIX).order_by("pk"))
    first_number = (Session.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    sessions = Session.objects.bulk_create(
        Session(
            number=first_number + k,
            date=(start + timedelta(days=12 * k)).date(),
            status=SessionStatus.CLOSED,
            closed_at=now,
        )
        for k in range(max(1, int(SCALE_SESSIONS * scale)))
    )

    budget = budget_in_force()
    posts_used, cents_used = national_commitments()
    requests, items, updates = [], [], []
    granted = {}  # structure pk → (posts, cents)
    for index, structure in enumerate(created):
        session = sessions[index % len(sessions)]
        decided = structure.status != StructureStatus.SUBMITTED
        requests.append(
            PostRequest(
                structure=structure,
                kind=RequestKind.APPLICATION,
                posts=structure.posts_requested,
                status=RequestStatus.DECIDED if decided else RequestStatus.OPEN,
                opinion=Opinion.FAVOURABLE if decided else "",
            )
        )
        if structure.status == StructureStatus.VALIDATED:
            posts = min(structure.posts_requested, 2)
            cents = posts * rate_cents(structure, session.date)
            if posts_used + posts > budget.posts_cap or cents_used + cents > budget.envelope_cents:
                structure.status = StructureStatus.SUBMITTED
                requests[-1].status, requests[-1].opinion = RequestStatus.OPEN, ""
                updates.append(structure)
                continue
            posts_used, cents_used = posts_used + posts, cents_used + cents
            granted[structure.pk] = (posts, cents)
            updates.append(structure)
    PostRequest.objects.bulk_create(requests, batch_size=1000)
    Structure.objects.bulk_update(updates, ["status"], batch_size=1000)
    by_structure = {r.structure_id: r for r in PostRequest.objects.filter(structure__in=created)}
    for index, structure in enumerate(created):
        if structure.status in (StructureStatus.SUBMITTED,):
            continue
        decision = {
            StructureStatus.VALIDATED: Decision.GRANTED,
            StructureStatus.ABANDONED: Decision.GRANTED,
            StructureStatus.REFUSED: Decision.REFUSED,
        }.get(structure.status, Decision.COMPLEMENTARY_REVIEW)
        posts_delta, cents = granted.get(structure.pk, (0, 0))
        posts = (posts_delta or structure.posts_requested) if decision == Decision.GRANTED else None
        items.append(
            AgendaItem(
                session=sessions[index % len(sessions)],
                request=by_structure[structure.pk],
                position=index,
                decision=decision,
                posts=posts,
                posts_delta=posts_delta,
                subsidy_delta_cents=cents,
                decided_at=now,
                applied_at=now,
            )
        )
    AgendaItem.objects.bulk_create(items, batch_size=1000)
    # The posts those decisions granted, as closing the sessions would have created them.
    Post.objects.bulk_create(
        (
            Post(
                structure_id=item.request.structure_id,
                granted_by=item,
                granted_on=item.session.date,
                amount_cents=item.subsidy_delta_cents // item.posts_delta,
            )
            for item in items
            if item.posts_delta > 0
            for _ in range(item.posts_delta)
        ),
        batch_size=2000,
    )
    posts_services.recount_many(granted)


SCALE_CANDIDATES = 50_000


def seed_synthetic_candidates(rng: random.Random, scale: float):
    """``50,000 × scale`` candidates spread like the population (bulk insert; the proposals
    are computed by ``manage.py recompute_proposals``)."""
    count = int(SCALE_CANDIDATES * scale)
    if Candidate.objects.filter(email__startswith="synthetique-").exists() or count == 0:
        return
    communes = list(Commune.objects.filter(population__gt=0).values_list("insee", "population"))
    picked = rng.choices([c[0] for c in communes], weights=[c[1] for c in communes], k=count)
    distances = [5, 10, 15, 20, 20, 40, 40, 100, 2000]
    now = timezone.now()
    Candidate.objects.bulk_create(
        (
            Candidate(
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                email=f"synthetique-{i:05d}@{DEMO_DOMAIN}",
                commune_id=insee,
                max_distance_km=rng.choice(distances),
                available=rng.random() < 0.8,
                available_from=date(2021, 1, 1) + timedelta(days=rng.randint(0, 500)),
                situation=rng.choice(["job_seeker", "job_seeker", "employed", "in_training"]),
                has_diploma=rng.random() < 0.2,
                has_experience=rng.random() < 0.3,
                pix_level=rng.choice([None, 1, 2, 3]),
                motivation="Candidature synthétique.",
                consent_at=now,
                email_confirmed_at=now,
            )
            for i, insee in enumerate(picked)
        ),
        batch_size=2000,
    )


SCALE_STEPS = [seed_synthetic_committee, seed_synthetic_candidates]


@transaction.atomic
def build_demo(*, scale: float = 0.0) -> dict:
    story: dict = {}
    for step in STEPS:
        step(story)
    if scale > 0:
        rng = random.Random(2021)
        for step in SCALE_STEPS:
            step(rng, scale)
    return story
