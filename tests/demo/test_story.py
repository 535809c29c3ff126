"""The press releases' figures, rebuilt by the demo through the platform's services."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from cnfs.accounts.models import User
from cnfs.committee.models import Session
from cnfs.contracts.models import Contract
from cnfs.coordination.resolvers import coordinated_advisors, hub_departements, network_members
from cnfs.demo.building import build_demo, seed_live_recruitment
from cnfs.demo.second_factor import DEMO_BACKUP_CODES
from cnfs.demo.seeds import DEMO_DOMAIN, DEMO_PASSWORD
from cnfs.followup.figures import departement_figures
from cnfs.matching.enums import OPEN_STATUSES, ProposalStatus
from cnfs.matching.models import Proposal
from cnfs.posts.enums import PostKind
from cnfs.posts.models import Post
from cnfs.structures.enums import StructureStatus
from cnfs.structures.models import STRUCTURE_WORKFLOW, Structure
from cnfs.territories.models import Departement


@pytest.fixture
def story(territories, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return build_demo()


def figures(code):
    (row,) = departement_figures(departements=Departement.objects.filter(code=code))
    return row


def test_hautes_alpes_18_posts_to_12_structures_900_000_euros(story):
    row = figures("05")
    assert (row.posts_granted, row.structures, row.committed_cents) == (18, 12, 900_000_00)
    first = Session.objects.get(number=1)
    assert sum(i.posts for i in first.items.filter(request__structure__departement="05")) == 11


def test_jura_13_posts_in_9_structures(story):
    row = figures("39")
    assert (row.posts_granted, row.structures) == (13, 9)


def test_the_story_leaves_a_history(story):
    structure = Structure.objects.get(name="Commune de Gap")
    assert structure.status == StructureStatus.VALIDATED
    (log,) = STRUCTURE_WORKFLOW.log_of(structure)
    assert "COSELEC 3" in log.reason


def test_the_demo_is_idempotent(story):
    before = Structure.objects.count()
    build_demo()
    assert Structure.objects.count() == before


def test_national_scale_stays_within_the_cap(territories, settings):
    from cnfs.funding.rates import budget_in_force, national_commitments

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    build_demo(scale=0.2)
    posts, cents = national_commitments()
    budget = budget_in_force()
    assert 0 < posts <= budget.posts_cap and cents <= budget.envelope_cents
    assert Structure.objects.filter(name__startswith="Structure synthétique").count() == 1000
    assert Session.objects.count() == 2 + 12


def test_jura_advisors_work_in_places_and_report_their_activity(story):
    from cnfs.activity.counters import direct_counts
    from cnfs.activity.models import Report, TerritoryDay
    from cnfs.places.models import Place

    jura_places = Place.objects.filter(commune__departement="39")
    assert jura_places.count() == 9 and jura_places.filter(itinerant=True).exists()
    reports = Report.objects.filter(departement="39")
    assert reports.values("advisor").distinct().count() == 13
    total = sum(TerritoryDay.objects.filter(departement="39").values_list("reports", flat=True))
    assert total == reports.count() == direct_counts(reports)["reports"]


def test_the_demo_structure_account_sees_a_live_recruitment(story):

    manager = User.objects.get(email="structure@demo.conseiller-numerique.fr")
    managed = Structure.objects.filter(managers__user=manager)
    recruiting = [s for s in managed if s.open_posts >= 1]
    assert recruiting, "no structure of the demo manager has an open post"
    proposals = Proposal.objects.filter(structure__in=recruiting)
    assert proposals.filter(status=ProposalStatus.SHORTLISTED).count() >= 2
    assert proposals.filter(status=ProposalStatus.PROPOSED).exists()


def test_the_demo_candidate_account_has_live_proposals(story):

    live = Proposal.objects.filter(
        candidate__email="candidat@demo.conseiller-numerique.fr", status__in=OPEN_STATUSES
    )
    assert live.exists()


def test_the_live_recruitment_step_is_idempotent(story):

    before = list(Proposal.objects.order_by("pk").values_list("pk", "status"))
    seed_live_recruitment(story)
    assert list(Proposal.objects.order_by("pk").values_list("pk", "status")) == before


def test_a_jura_advisor_on_a_coordination_post_coordinates_the_others_in_post(story):
    """13 advisors recruited in the Jura; one left ECLA three weeks ago (the live
    recruitment): the coordinator coordinates the 11 others in post."""
    coordinator = User.objects.get(email__startswith="coordinateur@")
    jura_in_post = Contract.objects.in_post().filter(structure__departement_id="39")
    assert jura_in_post.count() == 12
    assert coordinated_advisors(coordinator).count() == 11
    assert Post.objects.filter(kind=PostKind.COORDINATION).count() == 1


def test_the_hub_and_the_network_see_their_scope(story):
    hub = User.objects.get(email__startswith="hub-bfc@")
    network = User.objects.get(email__startswith="reseau-ligue@")
    assert "39" in set(hub_departements(hub).values_list("code", flat=True))
    members = Structure.objects.filter(pk__in=network_members(network))
    assert [s.name for s in members] == ["Ligue de l’enseignement du Jura"]


@pytest.mark.parametrize("local_part", ["anct", "banque-des-territoires"])
def test_a_newcomer_passes_the_demo_second_factor_with_what_the_console_prints(
    story, client, local_part, capsys
):
    call_command("demo_code")
    printed_code = capsys.readouterr().out.strip()
    client.post(
        reverse("accounts:login"),
        {"username": f"{local_part}@{DEMO_DOMAIN}", "password": DEMO_PASSWORD},
    )
    assert "_auth_user_id" not in client.session
    client.post(reverse("accounts:second_factor"), {"code": printed_code})
    assert "_auth_user_id" in client.session
    # The printed backup codes work too (once each), and a new run of the demo restores them.
    client.logout()
    client.post(
        reverse("accounts:login"),
        {"username": f"{local_part}@{DEMO_DOMAIN}", "password": DEMO_PASSWORD},
    )
    client.post(reverse("accounts:second_factor"), {"code": DEMO_BACKUP_CODES[0]})
    assert "_auth_user_id" in client.session
