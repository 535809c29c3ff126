import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from cnfs.accounts.enums import Role
from cnfs.common.validators import validate_siret
from cnfs.structures import services
from cnfs.structures.enums import Opinion, RequestKind
from cnfs.structures.models import PostRequest, Structure
from tests import factories


@pytest.fixture
def commune(jura):
    return factories.CommuneFactory(insee="39300", name="Lons-le-Saunier", departement=jura)


def application_data(commune, **overrides):
    data = {
        "legal_type": "epci",
        "name": "Communauté de communes du Grand Dole",
        "siret": "200 070 803 00016",
        "address": "Place de l’Europe",
        "commune": commune,
        "contact_first_name": "Anne",
        "contact_last_name": "Durand",
        "contact_role": "DGS",
        "contact_email": "Anne.Durand@grand-dole.fr",
        "contact_phone": "+33384000000",
        "posts_requested": 2,
        "motivation": "Réduire la fracture numérique.",
    }
    return {**data, **overrides}


@pytest.mark.parametrize(
    ("siret", "message"),
    [
        ("2000708030001A", "que des chiffres"),
        ("2000708030001", "14 chiffres ; vous en avez saisi 13"),
        ("20007080300013", "clé de contrôle"),
    ],
)
def test_siret_errors_say_what_is_wrong(siret, message):
    with pytest.raises(ValidationError, match=message):
        validate_siret(siret)


def test_submit_records_the_application_and_sends_the_confirmation_link(
    commune, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        structure = services.submit_application(**application_data(commune))
    assert structure.siret == "20007080300016" and structure.siren == "200070803"
    assert structure.departement_id == "39" and structure.email_confirmed_at is None
    assert structure.requests.get().kind == RequestKind.APPLICATION
    assert structure.requests.get().posts == 2
    assert len(mail.outbox) == 1 and "/structures/confirmer/" in mail.outbox[0].body


def test_a_known_siret_is_flagged_never_merged_nor_refused(commune):
    first = services.submit_application(**application_data(commune))
    second = services.submit_application(**application_data(commune, name="Grand Dole bis"))
    assert second.possible_duplicate_of == first
    assert Structure.objects.count() == 2


def test_zero_posts_is_refused(commune):
    with pytest.raises(ValidationError) as error:
        services.submit_application(**application_data(commune, posts_requested=0))
    assert "posts_requested" in error.value.message_dict
    assert not Structure.objects.exists()


def test_confirmation_gives_the_contact_a_manager_account(
    commune, django_capture_on_commit_callbacks
):
    structure = services.submit_application(**application_data(commune))
    token = services.confirmation_link(structure).rsplit("/", 2)[-2]
    assert services.structure_from_token(token) == structure
    assert services.structure_from_token(token + "x") is None
    with django_capture_on_commit_callbacks(execute=True):
        assert services.confirm_email(structure) is True
    assert services.confirm_email(structure) is False
    manager = structure.managers.get().user
    assert manager.email == "anne.durand@grand-dole.fr" and not manager.is_active
    assert manager.roles.get().role == Role.STRUCTURE
    assert any("Activez votre compte" in m.subject for m in mail.outbox)


class TestOpinion:
    @pytest.fixture
    def request_(self, structure):
        return factories.PostRequestFactory(structure=structure)

    def test_prefecture_of_the_departement_gives_it(self, request_, jura):
        prefect = factories.UserFactory(roles=[(Role.PREFECTURE, {"departement": jura})])
        services.give_opinion(
            request_,
            opinion=Opinion.FAVOURABLE,
            comment="Territoire prioritaire",
            suggested_posts=2,
            by=prefect,
        )
        request_.refresh_from_db()
        assert (request_.opinion, request_.opinion_suggested_posts) == ("favourable", 2)
        assert request_.opinion_by == prefect

    def test_prefecture_of_another_departement_cannot(self, request_, outsider):
        with pytest.raises(PermissionDenied):
            services.give_opinion(request_, opinion=Opinion.FAVOURABLE, by=outsider)

    def test_structure_manager_cannot(self, request_, owner):
        with pytest.raises(PermissionDenied):
            services.give_opinion(request_, opinion=Opinion.FAVOURABLE, by=owner)

    def test_a_choice_is_required(self, request_, jura):
        prefect = factories.UserFactory(roles=[(Role.PREFECTURE, {"departement": jura})])
        with pytest.raises(ValidationError):
            services.give_opinion(request_, opinion="", by=prefect)
        assert PostRequest.objects.get(pk=request_.pk).opinion == ""


def test_the_service_itself_checks_phone_posts_and_start_date(commune):
    from datetime import timedelta

    from django.utils import timezone

    with pytest.raises(ValidationError) as error:
        services.submit_application(
            **application_data(
                commune,
                contact_phone="12",
                posts_requested=51,
                desired_start_date=timezone.localdate() - timedelta(days=1),
            )
        )
    assert set(error.value.message_dict) == {
        "contact_phone",
        "posts_requested",
        "desired_start_date",
    }
    structure = services.submit_application(
        **application_data(commune, contact_phone="0384 12 34 56")
    )
    assert structure.contact_phone == "+33384123456"
