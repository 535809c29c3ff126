"""Cached results named after a generation that a committed write moves on."""

import pytest
from django.core.cache import cache
from django.db import transaction

from cnfs.common import generations


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_the_generation_stays_the_same_until_a_write():
    first = generations.current("lieux")
    assert generations.current("lieux") == first
    assert generations.key("lieux", "a", "b") == f"lieux:{first}:a:b"


@pytest.mark.django_db(transaction=True)
def test_a_write_moves_the_generation_on_only_once_committed():
    before = generations.current("lieux")
    with transaction.atomic():
        generations.advance("lieux")
        assert generations.current("lieux") == before
    assert generations.current("lieux") > before


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_write_leaves_the_generation():
    before = generations.current("lieux")
    with pytest.raises(RuntimeError), transaction.atomic():
        generations.advance("lieux")
        raise RuntimeError
    assert generations.current("lieux") == before


@pytest.mark.django_db(transaction=True)
def test_topics_move_independently():
    places, other = generations.current("lieux"), generations.current("statistiques")
    generations.advance("lieux")
    assert generations.current("statistiques") == other
    assert generations.current("lieux") != places


def test_an_evicted_generation_never_comes_back_to_an_earlier_number():
    seen = {generations.current("lieux")}
    for _ in range(5):
        cache.delete(generations.PREFIX + "lieux")  # evicted (a culled database cache)
        value = generations.current("lieux")
        assert value not in seen
        seen.add(value)
