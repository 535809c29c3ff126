"""Selection committee: sessions, agenda, decisions under the national cap and envelope."""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q, Sum
from django.utils import timezone

from cnfs.committee.enums import Decision, SessionStatus
from cnfs.committee.models import SESSION_WORKFLOW, AgendaItem, Session
from cnfs.committee.signals import decision_applied, session_closed
from cnfs.common import audit
from cnfs.common.locks import programme_lock
from cnfs.common.money import euros
from cnfs.common.workflow import TransitionNotAllowed
from cnfs.funding.enums import PostKind
from cnfs.funding.rates import budget_in_force, national_commitments, rate_cents
from cnfs.structures.enums import RequestKind, RequestStatus, StructureStatus
from cnfs.structures.models import REQUEST_WORKFLOW, STRUCTURE_WORKFLOW, PostRequest, Structure
from cnfs.structures.perms import can_decide


def _require_national(by):
    if not can_decide(by):
        raise PermissionDenied("Seule l’équipe nationale conduit le comité de sélection.")


@transaction.atomic
def create_session(*, session_date: date, number: int | None = None, by) -> Session:
    _require_national(by)
    if number is None:
        number = (Session.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    if Session.objects.filter(number=number).exists():
        raise ValidationError({"number": f"La session COSELEC {number} existe déjà."})
    session = Session.objects.create(number=number, date=session_date)
    audit.record("session.create", by=by, obj=session, summary=f"{session} du {session_date}")
    return session


def ready_requests(*, now=None):
    """Requests ready for a committee: open, confirmed, not a duplicate, not already on the
    agenda of an open session; with the prefecture's opinion, or waiting longer than the
    configured delay (a give-back needs no opinion)."""
    now = now or timezone.now()
    waited = now - timedelta(days=settings.COMMITTEE_OPINION_DELAY_DAYS)
    return (
        PostRequest.objects.open()
        .filter(structure__email_confirmed_at__isnull=False)
        .exclude(structure__status=StructureStatus.DUPLICATE)
        .exclude(agenda_items__session__status=SessionStatus.OPEN)
        .filter(~Q(opinion="") | Q(kind=RequestKind.GIVEBACK) | Q(created_at__lte=waited))
    )


@transaction.atomic
def build_agenda(session: Session, *, by) -> int:
    """Add every ready request to the session's agenda (oldest first); returns how many."""
    _require_national(by)
    session = Session.objects.select_for_update().get(pk=session.pk)
    if not session.is_open:
        raise ValidationError("La session est clôturée.")
    start = session.items.aggregate(p=Max("position"))["p"] or 0
    requests = ready_requests().order_by("created_at", "id").values_list("pk", flat=True)
    items = [
        AgendaItem(session=session, request_id=pk, position=start + i)
        for i, pk in enumerate(requests, start=1)
    ]
    AgendaItem.objects.bulk_create(items, batch_size=1000)
    audit.record("session.agenda", by=by, obj=session, summary=f"{len(items)} point(s) ajouté(s)")
    return len(items)


def _deltas(
    item: AgendaItem, decision: str, posts: int | None, on: date, kind: str = PostKind.ADVISOR
) -> tuple[int, int]:
    """What applying this decision changes nationally: (posts, subsidy in cents)."""
    request = item.request
    structure = request.structure
    if decision != Decision.GRANTED:
        return 0, 0
    if request.kind == RequestKind.APPLICATION:
        delta = posts - structure.granted_posts
    elif request.kind == RequestKind.ADDITION:
        delta = posts
    else:
        delta = -posts
    return delta, delta * rate_cents(structure, on, kind)


def _committed(*, excluding: AgendaItem | None = None) -> tuple[int, int]:
    """Posts and cents applied by closed sessions plus those reserved by open ones."""
    applied_posts, applied_cents = national_commitments()
    reserved = (
        AgendaItem.objects.pending()
        .exclude(pk=getattr(excluding, "pk", None))
        .filter(posts_delta__gt=0)
        .aggregate(posts=Sum("posts_delta"), cents=Sum("subsidy_delta_cents"))
    )
    return applied_posts + (reserved["posts"] or 0), applied_cents + (reserved["cents"] or 0)


def _refuse_beyond(budget, *, posts: int, cents: int, before: tuple[int, int], subject: str):
    """Refuse totals (``posts``, ``cents``) beyond the cap or the envelope."""
    if posts > budget.posts_cap:
        raise ValidationError(
            {
                "posts": (
                    f"Refusé : {subject} porterait le total national à {posts} postes, au-delà "
                    f"du plafond de {budget.posts_cap} (il reste "
                    f"{max(0, budget.posts_cap - before[0])} poste(s) à attribuer)."
                )
            }
        )
    if cents > budget.envelope_cents:
        raise ValidationError(
            {
                "posts": (
                    f"Refusé : {subject} porterait les subventions engagées à {euros(cents)}, "
                    f"au-delà de l’enveloppe de {euros(budget.envelope_cents)} "
                    f"(reste {euros(max(0, budget.envelope_cents - before[1]))})."
                )
            }
        )


def _check_limits(budget, item: AgendaItem, posts_delta: int, cents_delta: int):
    """Refuse a decision that would take the nation past the cap or the envelope.

    Called under the programme lock: decisions are serialised, so the sums are exact.
    """
    if posts_delta <= 0 and cents_delta <= 0:
        return
    posts, cents = _committed(excluding=item)
    _refuse_beyond(
        budget,
        posts=posts + posts_delta,
        cents=cents + cents_delta,
        before=(posts, cents),
        subject="cette décision",
    )


@transaction.atomic
def decide(
    item: AgendaItem,
    *,
    decision: str,
    posts: int | None = None,
    priority: bool = False,
    observation: str = "",
    duplicate_reason: str = "",
    post_kind: str = PostKind.ADVISOR,
    by,
) -> AgendaItem:
    """Record the committee's decision on one agenda item (applied when the session closes).

    Deciding the same thing again changes nothing; changing a decision is allowed while the
    session is open. Granting posts to a structure flagged as a possible duplicate needs
    ``duplicate_reason`` (kept in the audit journal). The limits are those in force on the
    day the decision is taken, under one programme-wide lock. ``post_kind`` says whether the
    posts granted are advisors' or coordination posts (their rate differs; both count within
    the cap and the envelope).
    """
    _require_national(by)
    post_kind = post_kind or PostKind.ADVISOR
    if post_kind not in PostKind.values:
        raise ValidationError({"post_kind": "Choisissez la nature des postes accordés."})
    if decision not in Decision.values:
        raise ValidationError(
            {"decision": "Choisissez : postes accordés, refus ou examen complémentaire."}
        )
    item = (
        AgendaItem.objects.select_for_update(of=("self",))
        .select_related("session", "request__structure__departement")
        .get(pk=item.pk)
    )
    if not item.session.is_open:
        raise ValidationError("La session est clôturée : ses décisions ne changent plus.")
    if item.request.status != RequestStatus.OPEN:
        raise ValidationError("Cette demande n’est plus en cours d’instruction.")
    if decision == Decision.GRANTED:
        if item.request.kind == RequestKind.GIVEBACK:
            posts = item.request.posts
        if posts is None or posts < 1:
            raise ValidationError({"posts": "Indiquez au moins 1 poste accordé."})
        if item.request.kind == RequestKind.GIVEBACK:
            post_kind = PostKind.ADVISOR
    else:
        posts = None
        post_kind = PostKind.ADVISOR
    if (item.decision, item.posts, item.priority, item.observation, item.post_kind) == (
        decision,
        posts,
        priority,
        observation,
        post_kind,
    ):
        return item
    structure = item.request.structure
    duplicate_reason = duplicate_reason.strip()
    if decision == Decision.GRANTED and structure.possible_duplicate_of_id and not duplicate_reason:
        raise ValidationError(
            {
                "duplicate_reason": (
                    "Cette structure est signalée comme doublon possible (même SIRET que la "
                    f"structure n° {structure.possible_duplicate_of_id}). Confirmez "
                    "l’attribution en indiquant pourquoi, ou traitez le doublon d’abord."
                )
            }
        )
    programme_lock()
    today = timezone.localdate()
    budget = budget_in_force(today)
    posts_delta, cents_delta = _deltas(item, decision, posts, today, post_kind)
    _check_limits(budget, item, posts_delta, cents_delta)
    item.decision, item.posts, item.priority, item.observation = (
        decision,
        posts,
        priority,
        observation,
    )
    item.posts_delta, item.subsidy_delta_cents = posts_delta, cents_delta
    item.post_kind = post_kind
    item.decided_by, item.decided_at = by, timezone.now()
    item.save()
    audit.record(
        "session.decide",
        by=by,
        obj=item.request.structure,
        summary=f"{item.session} : {item.get_decision_display()}"
        + (f" ({posts} poste(s))" if posts else ""),
        changes={
            "item": item.pk,
            "decision": decision,
            "posts": posts,
            "priority": priority,
            "post_kind": post_kind,
        },
    )
    if decision == Decision.GRANTED and structure.possible_duplicate_of_id:
        audit.record(
            "session.decide_duplicate",
            by=by,
            obj=structure,
            summary=f"Attribution confirmée malgré le doublon possible avec la structure "
            f"n° {structure.possible_duplicate_of_id} : {duplicate_reason}",
            changes={"item": item.pk, "duplicate_of": structure.possible_duplicate_of_id},
        )
    return item


def _apply(item: AgendaItem, *, on: date, by):
    request = item.request
    structure = Structure.objects.select_for_update().get(pk=request.structure_id)
    reason = f"{item.session}" + (f" — {item.observation}" if item.observation else "")
    if item.decision == Decision.COMPLEMENTARY_REVIEW:
        if STRUCTURE_WORKFLOW.can(structure, "review"):
            STRUCTURE_WORKFLOW.apply(structure, "review", by=by, reason=reason)
        return
    if item.decision == Decision.GRANTED:
        new_posts = structure.granted_posts + item.posts_delta
        if new_posts < structure.occupied_posts:
            raise ValidationError(
                f"{structure} : impossible de descendre sous les {structure.occupied_posts} "
                "poste(s) occupés."
            )
        decision_applied.send(sender=AgendaItem, item=item, structure=structure, on=on, by=by)
        if request.kind == RequestKind.APPLICATION:
            STRUCTURE_WORKFLOW.apply(structure, "validate", by=by, reason=reason)
        elif new_posts == 0:
            STRUCTURE_WORKFLOW.apply(structure, "abandon", by=by, reason=reason)
    elif request.kind == RequestKind.APPLICATION:
        STRUCTURE_WORKFLOW.apply(structure, "refuse", by=by, reason=reason)
    REQUEST_WORKFLOW.apply(request, "decide", by=by, reason=str(item.session))


@transaction.atomic
def close_session(session: Session, *, by) -> int:
    """Apply every decision of the session; notify structures and prefectures after commit.

    Items left undecided go back to the pool of ready requests. Returns the number applied.
    """
    _require_national(by)
    now = timezone.now()
    today = timezone.localdate(now)
    if session.date > today:
        raise ValidationError(
            f"La session {session} ne peut être clôturée avant sa date ({session.date:%d/%m/%Y})."
        )
    try:
        SESSION_WORKFLOW.apply(session, "close", by=by, extra={"closed_at": now, "closed_by": by})
    except TransitionNotAllowed:
        raise ValidationError("Cette session est déjà clôturée.") from None
    programme_lock()
    items = list(
        session.items.exclude(decision="")
        .select_related("request__structure")
        .order_by("position", "id")
    )
    for item in items:
        _apply(item, on=today, by=by)
    # The limits again, as they stand today (a cap may have been lowered since the decisions).
    posts, cents = _committed()
    _refuse_beyond(
        budget_in_force(today),
        posts=posts,
        cents=cents,
        before=(posts, cents),
        subject="la clôture de cette session",
    )
    AgendaItem.objects.filter(pk__in=[i.pk for i in items]).update(applied_at=now)
    session.refresh_from_db()
    audit.record(
        "session.close", by=by, obj=session, summary=f"{len(items)} décision(s) appliquée(s)"
    )
    session_closed.send(
        sender=Session, session=session, structure_pks={i.request.structure_id for i in items}
    )
    return len(items)


def minutes(session: Session):
    """The session's decisions, in agenda order, for the CSV and the printable minutes."""
    return (
        session.items.exclude(decision="")
        .select_related("request__structure__departement", "request__structure__commune")
        .order_by("position", "id")
    )
