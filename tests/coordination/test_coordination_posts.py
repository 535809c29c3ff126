"""Coordination posts: granted by the committee at their own rate, within the cap."""

import pytest
from django.core.exceptions import ValidationError

from cnfs.committee import services
from cnfs.committee.enums import Decision
from cnfs.funding.models import SubsidyRate
from cnfs.funding.rates import rate_cents
from cnfs.posts.enums import PostKind
from cnfs.posts.models import Post
from cnfs.structures.enums import RequestKind
from tests import factories
from tests.committee.helpers import application, on_agenda, set_cap

pytestmark = pytest.mark.django_db


def _addition(posts=1):
    structure = factories.StructureFactory(validated=True)
    return factories.PostRequestFactory(structure=structure, kind=RequestKind.ADDITION, posts=posts)


def test_the_migration_gives_coordination_posts_today_s_advisor_rates(jura):
    structure = factories.StructureFactory()
    day = structure.created_at.date()
    assert rate_cents(structure, day, PostKind.COORDINATION) == rate_cents(structure, day)


def test_a_coordination_rate_set_as_data_prices_the_decision(national, jura):
    session = factories.SessionFactory()
    item = on_agenda(session, _addition(posts=2))
    SubsidyRate.objects.filter(post_kind=PostKind.COORDINATION).update(amount_cents=6_000_000)
    services.decide(
        item, decision=Decision.GRANTED, posts=2, post_kind=PostKind.COORDINATION, by=national
    )
    item.refresh_from_db()
    assert (item.post_kind, item.subsidy_delta_cents) == (PostKind.COORDINATION, 12_000_000)


def test_advisor_posts_keep_the_advisor_rate(national, jura):
    session = factories.SessionFactory()
    item = on_agenda(session, _addition())
    SubsidyRate.objects.filter(post_kind=PostKind.COORDINATION).update(amount_cents=6_000_000)
    services.decide(item, decision=Decision.GRANTED, posts=1, by=national)
    item.refresh_from_db()
    assert (item.post_kind, item.subsidy_delta_cents) == (PostKind.ADVISOR, 5_000_000)


def test_coordination_posts_count_within_the_cap(national, jura):
    session = factories.SessionFactory()
    first = on_agenda(session, application(posts=1))
    services.decide(first, decision=Decision.GRANTED, posts=1, by=national)
    set_cap(1)
    second = on_agenda(session, _addition())
    with pytest.raises(ValidationError, match="plafond"):
        services.decide(
            second,
            decision=Decision.GRANTED,
            posts=1,
            post_kind=PostKind.COORDINATION,
            by=national,
        )


def test_closing_the_session_creates_posts_of_the_decided_kind(national, jura):
    session = factories.SessionFactory()
    item = on_agenda(session, _addition(posts=2))
    structure = item.request.structure
    services.decide(
        item, decision=Decision.GRANTED, posts=2, post_kind=PostKind.COORDINATION, by=national
    )
    services.close_session(session, by=national)
    kinds = list(
        Post.objects.filter(structure=structure).order_by("pk").values_list("kind", flat=True)
    )
    assert kinds == [PostKind.ADVISOR, PostKind.COORDINATION, PostKind.COORDINATION]


def test_an_unknown_post_kind_is_refused_at_the_field(national, jura):
    item = on_agenda(factories.SessionFactory(), _addition())
    with pytest.raises(ValidationError) as error:
        services.decide(item, decision=Decision.GRANTED, posts=1, post_kind="chef", by=national)
    assert "post_kind" in error.value.message_dict


def test_the_committee_page_records_the_post_kind(client, national, jura):
    item = on_agenda(factories.SessionFactory(), _addition())
    client.force_login(national)
    client.post(
        f"/comite/item/{item.pk}/decider/",
        {"decision": Decision.GRANTED, "posts": 1, "post_kind": PostKind.COORDINATION},
    )
    item.refresh_from_db()
    assert item.post_kind == PostKind.COORDINATION
