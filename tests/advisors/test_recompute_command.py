"""manage.py recompute_proposals: the full recomputation, dry-run unless --apply."""

from io import StringIO

import pytest
from django.core.management import call_command

from cnfs.matching.models import Proposal
from tests import factories


@pytest.fixture
def reachable(structure):
    factories.StructureFactory(validated=True, granted_posts=1, commune=structure.commune)
    factories.CandidateFactory(commune=structure.commune)


def run(*args) -> str:
    out = StringIO()
    call_command("recompute_proposals", *args, stdout=out)
    return out.getvalue()


def test_without_apply_nothing_is_written(reachable):
    output = run()
    assert "1 créée(s), 0 mise(s) à jour, 0 proposée(s) à nouveau, 0 retirée(s) en " in output
    assert "Simulation" in output
    assert not Proposal.objects.exists()


def test_apply_recomputes_and_reports_the_time(reachable):
    output = run("--apply")
    assert "1 créée(s)" in output and " s." in output
    assert Proposal.objects.count() == 1
    assert "0 créée(s)" in run("--apply")
