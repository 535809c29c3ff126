from datetime import date

import pytest

from cnfs.accounts.enums import Role
from cnfs.funding import services
from cnfs.posts.services import grant as grant_posts
from cnfs.structures.enums import StructureStatus
from cnfs.structures.models import Structure
from tests import factories

POST_START = date(2021, 1, 1)
# Public employer in mainland France: 50,000 € per post (migration 0003), paid half at the
# start and half at the first anniversary.
POST_CENTS = 5_000_000
HALF_CENTS = 2_500_000


def grant(structure: Structure, posts: int = 1) -> Structure:
    """Grant ``posts`` to ``structure`` (as closing a committee session would)."""
    Structure.objects.filter(pk=structure.pk).update(status=StructureStatus.VALIDATED)
    grant_posts(structure, count=posts, amount_cents=POST_CENTS, on=POST_START)
    structure.refresh_from_db()
    return structure


def fund(structure: Structure, *, posts: int = 1, start: date = POST_START, post=None):
    """Grant ``posts`` to ``structure`` if it has none, and start the funding of a contract
    validated on one of them (``post`` if given)."""
    if not structure.posts.exists():
        grant(structure, posts)
    contract = factories.validated_contract(structure, start=start, post=post)
    return services.start_post_funding(contract)


@pytest.fixture
def operator(db):
    return factories.UserFactory(roles=[(Role.FINANCIAL, {})])


@pytest.fixture
def advisor(db):
    return factories.UserFactory(roles=[(Role.ADVISOR, {})])


@pytest.fixture
def jura_prefecture(jura):
    return factories.UserFactory(roles=[(Role.PREFECTURE, {"departement": jura})])


@pytest.fixture
def post(structure):
    """ECLA (Jura) funds one post from 2021-01-01: two instalments of 25,000 €."""
    return fund(structure)


@pytest.fixture
def first_instalment(post):
    return post.instalments.order_by("due_date").first()


@pytest.fixture
def paid(first_instalment, operator):
    """The first instalment paid in full."""
    return services.record_payment(
        first_instalment,
        paid_on=date(2021, 1, 15),
        amount="25000.00",
        reference="VIR-2021-001",
        by=operator,
    )
