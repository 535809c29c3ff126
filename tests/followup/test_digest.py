from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from cnfs.accounts.enums import Role
from cnfs.structures.enums import Opinion, RequestKind
from cnfs.structures.models import PostRequest, Structure
from tests import factories
from tests.followup.conftest import structure_in


def digest(*args):
    out = StringIO()
    call_command("send_prefecture_digest", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def territory(jura, doubs, prefect, outsider):
    """Two new Jura applications and a Jura addition, one Doubs application."""
    factories.PostRequestFactory(structure=structure_in(jura, name="ECLA"))
    factories.PostRequestFactory(structure=structure_in(jura, name="CC du Grand Dole"))
    factories.PostRequestFactory(
        structure=structure_in(jura, name="Fab Lab Bresse", validated=True),
        kind=RequestKind.ADDITION,
    )
    factories.PostRequestFactory(structure=structure_in(doubs, name="Médiathèque de Besançon"))


def test_dry_run_sends_nothing_and_names_only_recipients(
    territory, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        out = digest()
    assert mail.outbox == []
    assert "Serait envoyé à pref-jura@exemple.fr (candidatures : 2, " in out
    assert "avenants d’ajout de postes : 1)" in out
    assert "Simulation : 2 récapitulatif(s)" in out
    assert "ECLA" not in out and "contact" not in out


def test_apply_sends_one_email_per_prefecture_with_its_territory_only(
    territory, outsider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        digest("--apply")
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_recipient) == sorted(["pref-jura@exemple.fr", outsider.email])
    jura_mail = by_recipient["pref-jura@exemple.fr"]
    assert jura_mail.subject.startswith("3 nouvelles demandes en attente de votre avis")
    assert "ECLA" in jura_mail.body and "Fab Lab Bresse" in jura_mail.body
    assert "Besançon" not in jura_mail.body
    assert "/suivi/avis/" in jura_mail.body
    doubs_mail = by_recipient[outsider.email]
    assert "Besançon" in doubs_mail.body and "ECLA" not in doubs_mail.body


def test_only_new_items_awaiting_an_opinion(jura, prefect, django_capture_on_commit_callbacks):
    old = factories.PostRequestFactory(structure=structure_in(jura, name="Ancienne"))
    two_days_ago = timezone.now() - timedelta(days=2)
    PostRequest.objects.filter(pk=old.pk).update(created_at=two_days_ago)
    Structure.objects.filter(pk=old.structure_id).update(email_confirmed_at=two_days_ago)
    factories.PostRequestFactory(
        structure=structure_in(jura, name="Avis donné"), opinion=Opinion.FAVOURABLE
    )
    factories.PostRequestFactory(
        structure=structure_in(jura, name="Rendu", validated=True), kind=RequestKind.GIVEBACK
    )
    factories.PostRequestFactory(
        structure=structure_in(jura, name="Non confirmée", email_confirmed_at=None)
    )
    factories.PostRequestFactory(structure=structure_in(jura, name="Nouvelle"))
    with django_capture_on_commit_callbacks(execute=True):
        digest("--apply")
    (message,) = mail.outbox
    assert "Nouvelle" in message.body
    for name in ("Ancienne", "Avis donné", "Rendu", "Non confirmée"):
        assert name not in message.body


def test_an_old_application_confirmed_today_is_new(
    jura, prefect, django_capture_on_commit_callbacks
):
    request = factories.PostRequestFactory(structure=structure_in(jura, name="Confirmée hier"))
    PostRequest.objects.filter(pk=request.pk).update(created_at=timezone.now() - timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        digest("--apply", "--since-hours", "24")
    assert len(mail.outbox) == 1 and "Confirmée hier" in mail.outbox[0].body
    Structure.objects.filter(pk=request.structure_id).update(
        email_confirmed_at=timezone.now() - timedelta(days=2)
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        digest("--apply", "--since-hours", "24")
    assert mail.outbox == []


def test_region_prefecture_gets_its_departements(
    jura, doubs, territory, django_capture_on_commit_callbacks
):
    factories.UserFactory(
        email="pref-region@exemple.fr", roles=[(Role.PREFECTURE, {"region": jura.region})]
    )
    with django_capture_on_commit_callbacks(execute=True):
        digest("--apply")
    (message,) = [m for m in mail.outbox if m.to == ["pref-region@exemple.fr"]]
    assert "ECLA" in message.body and "Besançon" in message.body


def test_inactive_prefecture_and_other_roles_get_nothing(
    jura, territory, prefect, owner, national, django_capture_on_commit_callbacks
):
    prefect.is_active = False
    prefect.save()
    with django_capture_on_commit_callbacks(execute=True):
        digest("--apply")
    recipients = {m.to[0] for m in mail.outbox}
    assert "pref-jura@exemple.fr" not in recipients
    assert owner.email not in recipients and national.email not in recipients


def test_queries_grow_with_recipients_not_with_requests(
    jura, prefect, django_assert_max_num_queries
):
    for _ in range(30):
        factories.PostRequestFactory(structure=structure_in(jura))
    with django_assert_max_num_queries(4):
        out = digest()
    assert "candidatures : 30" in out
