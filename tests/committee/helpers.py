"""Shared set-up of the committee's page and import tests."""

from cnfs.funding.models import ProgrammeBudget
from cnfs.structures.enums import Opinion
from tests import factories


def application(posts=1, opinion=Opinion.FAVOURABLE, suggested=None, **structure):
    """An open application of a new structure, with the prefecture's opinion by default."""
    s = factories.StructureFactory(posts_requested=posts, **structure)
    return factories.PostRequestFactory(
        structure=s, opinion=opinion, opinion_suggested_posts=suggested
    )


def on_agenda(session, request=None, **kwargs):
    return factories.AgendaItemFactory(session=session, request=request or application(**kwargs))


def set_cap(posts):
    budget = ProgrammeBudget.objects.get()
    budget.posts_cap = posts
    budget.save()
