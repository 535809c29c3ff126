"""Posts: created and removed by committee decisions, held by contracts.

The structure's counters (posts granted, held, subsidy committed) are a cache kept by
``recount`` only, from the posts and their contracts; tests check it equals the derivation.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Count, Sum

from cnfs.common import audit
from cnfs.posts.enums import PostKind
from cnfs.posts.models import POST_WORKFLOW, Post
from cnfs.structures.models import Structure


def recount(structure_pk: int) -> None:
    """Write the structure's counters from its posts (the only writer of those fields)."""
    posts = Post.objects.filter(structure_id=structure_pk)
    granted = posts.granted().aggregate(cents=Sum("amount_cents"))
    Structure.objects.filter(pk=structure_pk).update(
        granted_posts=posts.granted().count(),
        committed_subsidy_cents=granted["cents"] or 0,
        occupied_posts=posts.held().count(),
    )


def recount_many(structure_pks) -> None:
    """``recount`` for many structures at once (bulk seeding): three grouped queries."""
    pks = list(structure_pks)
    posts = Post.objects.filter(structure_id__in=pks).order_by()
    granted = {
        row["structure_id"]: row
        for row in posts.granted()
        .values("structure_id")
        .annotate(n=Count("pk"), cents=Sum("amount_cents"))
    }
    held = dict(
        posts.held().values("structure_id").annotate(n=Count("pk")).values_list("structure_id", "n")
    )
    structures = list(Structure.objects.filter(pk__in=pks).only("pk"))
    for structure in structures:
        row = granted.get(structure.pk, {})
        structure.granted_posts = row.get("n", 0)
        structure.committed_subsidy_cents = row.get("cents") or 0
        structure.occupied_posts = held.get(structure.pk, 0)
    Structure.objects.bulk_update(
        structures, ["granted_posts", "committed_subsidy_cents", "occupied_posts"], batch_size=1000
    )


def grant(
    structure,
    *,
    count: int,
    amount_cents: int,
    on: date,
    item=None,
    by=None,
    kind: str = PostKind.ADVISOR,
) -> list[Post]:
    posts = Post.objects.bulk_create(
        Post(
            structure=structure,
            kind=kind,
            granted_by=item,
            granted_on=on,
            amount_cents=amount_cents,
        )
        for _ in range(count)
    )
    recount(structure.pk)
    audit.record(
        "post.grant",
        by=by,
        obj=structure,
        summary=f"{count} poste(s) attribué(s) le {on:%d/%m/%Y}",
        changes={"posts": [p.pk for p in posts], "item": getattr(item, "pk", None)},
    )
    return posts


def give_back(structure, *, count: int, on: date, item=None, by=None) -> list[Post]:
    """Remove ``count`` free posts (the latest granted first); never a held one."""
    free = list(Post.objects.free().filter(structure=structure).order_by("-granted_on", "-pk"))
    if len(free) < count:
        held = Post.objects.held().filter(structure=structure).count()
        raise ValidationError(
            f"{structure} : impossible de retirer {count} poste(s), {held} sont occupés ou en "
            f"cours de recrutement et {len(free)} seulement sont libres."
        )
    removed = free[:count]
    for post in removed:
        POST_WORKFLOW.apply(
            post,
            "give_back",
            by=by,
            reason=str(item.session) if item else "",
            extra={"ended_on": on, "ended_by": item},
        )
    recount(structure.pk)
    return removed


def apply_decision(sender, *, item, structure, on: date, by=None, **kwargs):
    """Listener of ``committee.signals.decision_applied``: the decision's posts."""
    if item.posts_delta > 0:
        grant(
            structure,
            count=item.posts_delta,
            amount_cents=item.subsidy_delta_cents // item.posts_delta,
            on=on,
            item=item,
            by=by,
            kind=item.post_kind,
        )
    elif item.posts_delta < 0:
        give_back(structure, count=-item.posts_delta, on=on, item=item, by=by)
