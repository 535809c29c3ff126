import pytest
from django.urls import reverse

from cnfs.structures.enums import RequestKind, RequestStatus, StructureStatus
from cnfs.structures.models import PostRequest
from tests import factories


@pytest.fixture
def validated(structure):
    structure.status = StructureStatus.VALIDATED
    structure.granted_posts = 3
    structure.occupied_posts = 2
    structure.save()
    return structure


def amend_url(structure):
    return reverse("structures:amend", args=[structure.pk])


def test_manager_asks_for_more_posts(client, owner, validated):
    client.force_login(owner)
    assert client.get(amend_url(validated)).status_code == 200
    response = client.post(
        amend_url(validated),
        {"kind": "addition", "posts": "2", "reason": "strong_demand", "comment": "Liste d’attente"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("structures:detail", args=[validated.pk])
    request = PostRequest.objects.get(structure=validated)
    assert (request.kind, request.posts, request.reason, request.created_by) == (
        RequestKind.ADDITION,
        2,
        "strong_demand",
        owner,
    )


def test_giving_back_below_occupied_posts_is_refused_at_the_field(client, owner, validated):
    client.force_login(owner)
    response = client.post(
        amend_url(validated), {"kind": "giveback", "posts": "2", "reason": "end_of_funding"}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["posts"]
    assert "au plus que 1 poste(s)" in errors[0]
    assert not PostRequest.objects.exists()


def test_giving_back_the_open_posts_is_accepted(client, owner, validated):
    client.force_login(owner)
    response = client.post(
        amend_url(validated), {"kind": "giveback", "posts": "1", "reason": "end_of_funding"}
    )
    assert response.status_code == 302
    assert PostRequest.objects.get().kind == RequestKind.GIVEBACK


def test_reason_must_match_the_kind(client, owner, validated):
    client.force_login(owner)
    response = client.post(
        amend_url(validated), {"kind": "addition", "posts": "1", "reason": "end_of_funding"}
    )
    assert "ne correspond pas" in response.context["form"].errors["reason"][0]


def test_one_open_request_at_a_time(client, owner, validated):
    factories.PostRequestFactory(structure=validated, kind=RequestKind.ADDITION, posts=1)
    client.force_login(owner)
    assert "Une demande est déjà en cours" in client.get(amend_url(validated)).content.decode()
    response = client.post(
        amend_url(validated), {"kind": "addition", "posts": "1", "reason": "strong_demand"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Une demande est déjà en cours pour cette structure."
    ]
    assert PostRequest.objects.filter(status=RequestStatus.OPEN).count() == 1


def test_a_structure_not_validated_cannot_ask(client, owner, structure):
    client.force_login(owner)
    assert "Seule une structure validée" in client.get(amend_url(structure)).content.decode()
    response = client.post(
        amend_url(structure), {"kind": "addition", "posts": "1", "reason": "strong_demand"}
    )
    assert response.status_code == 200
    assert not PostRequest.objects.exists()


def test_colleague_gets_404(client, colleague, validated):
    client.force_login(colleague)
    assert client.get(amend_url(validated)).status_code == 404


@pytest.mark.parametrize("persona", ["national", "prefecture", "candidate"])
def test_other_roles_get_403(client, request, validated, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(amend_url(validated)).status_code == 403
