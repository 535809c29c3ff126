from datetime import date

import pytest

from cnfs.accounts.enums import Role
from cnfs.funding import services
from cnfs.structures.enums import StructureStatus
from cnfs.structures.models import Structure
from tests import factories

POST_START = date(2021, 1, 1)
# Public employer in mainland France: 50,000 € per post (migration 0003), paid half at the
# start and half at the first anniversary.
POST_CENTS = 5_000_000
HALF_CENTS = 2_500_000


def fund(structure: Structure, *, posts: int = 1, start: date = POST_START, label="Camille Martin"):
    """Grant ``posts`` to ``structure`` (as a committee would) and start one post's funding."""
    Structure.objects.filter(pk=structure.pk).update(
        status=StructureStatus.VALIDATED,
        granted_posts=posts,
        committed_subsidy_cents=posts * POST_CENTS,
    )
    structure.refresh_from_db()
    return services.start_post_funding(structure, start_date=start, advisor_label=label)


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
