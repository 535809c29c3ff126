import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from cnfs.common.models import AuditEntry
from cnfs.places import services
from cnfs.places.enums import Access, Service
from cnfs.places.models import PlaceAdvisor
from tests import factories
from tests.places.conftest import make_place

FIELDS = {"name": "Espace numérique", "address": "3, Avenue de la Gare", "access": Access.WALK_IN}


def main_places(advisor):
    return list(PlaceAdvisor.objects.filter(advisor=advisor, main=True).values_list("place__name"))


def test_an_advisor_creates_a_place_of_his_structure_and_works_there(advisor, employer, dole):
    place = services.create_place(
        by=advisor,
        commune=dole,
        phone="03 84 79 78 40",
        main=True,
        services=[Service.SECURITY, Service.EVERYDAY_USES],
        **FIELDS,
    )
    assert place.structure == employer
    assert place.phone == "+33384797840"
    assert (place.latitude, place.longitude) == (47.09, 5.49)  # the commune's point
    assert place.services == [Service.EVERYDAY_USES, Service.SECURITY]  # in the enum's order
    assert main_places(advisor) == [("Espace numérique",)]
    assert AuditEntry.objects.filter(action="place.create", object_id=str(place.pk)).exists()


def test_given_coordinates_are_kept(advisor, dole):
    place = services.create_place(by=advisor, commune=dole, latitude=47.1, longitude=5.5, **FIELDS)
    assert (place.latitude, place.longitude) == (47.1, 5.5)


def test_unreadable_hours_are_refused_at_their_field(advisor, dole):
    with pytest.raises(ValidationError) as error:
        services.create_place(by=advisor, commune=dole, opening_hours="lundi 9h", **FIELDS)
    assert error.value.message_dict["opening_hours"][0].startswith("Horaires illisibles")


def test_an_advisor_without_contract_cannot_create(dole):
    from cnfs.accounts.enums import Role

    former = factories.UserFactory(roles=[(Role.ADVISOR, {})])
    with pytest.raises(PermissionDenied):
        services.create_place(by=former, commune=dole, **FIELDS)


def test_a_manager_creates_a_place_with_the_structure_advisors(
    manager, employer, dole, advisor, colleague_advisor
):
    place = services.create_place(by=manager, commune=dole, advisors=[advisor], **FIELDS)
    assert place.structure == employer
    assert [link.advisor for link in place.advisors.all()] == [advisor]


def test_advisors_of_another_structure_never_work_there(manager, dole, stranger_advisor):
    with pytest.raises(ValidationError) as error:
        services.create_place(by=manager, commune=dole, advisors=[stranger_advisor], **FIELDS)
    assert "advisors" in error.value.message_dict


def test_only_the_place_advisors_and_managers_update_it(
    place, advisor, manager, colleague_advisor, stranger_advisor
):
    services.update_place(place, by=advisor, name="Médiathèque Jean-Moulin")
    services.update_place(place, by=manager, phone="+33 3 84 00 00 00")
    place.refresh_from_db()
    assert (place.name, place.phone) == ("Médiathèque Jean-Moulin", "+33384000000")
    for outsider in (colleague_advisor, stranger_advisor):
        with pytest.raises(PermissionDenied):
            services.update_place(place, by=outsider, name="Autre")


def test_update_sets_who_works_there(place, manager, advisor, colleague_advisor):
    services.update_place(place, by=manager, advisors=[colleague_advisor])
    assert [link.advisor for link in place.advisors.all()] == [colleague_advisor]


def test_changing_commune_moves_the_default_point(place, advisor, jura):
    arbois = factories.CommuneFactory(
        insee="39013", departement=jura, latitude=46.9, longitude=5.77
    )
    services.update_place(place, by=advisor, commune=arbois)
    place.refresh_from_db()
    assert (place.latitude, place.longitude) == (46.9, 5.77)


def test_setting_a_new_main_place_unsets_the_old_one(place, employer, advisor):
    other = make_place(employer, advisor, name="Mairie")
    services.set_main_place(advisor, other, by=advisor)
    assert main_places(advisor) == [("Mairie",)]
    services.set_main_place(advisor, None, by=advisor)
    assert main_places(advisor) == []


def test_the_main_place_is_a_place_where_the_advisor_works(place, employer, advisor):
    elsewhere = make_place(employer, name="Mairie")
    with pytest.raises(ValidationError):
        services.set_main_place(advisor, elsewhere, by=advisor)


def test_an_advisor_does_not_choose_a_colleague_main_place(place, advisor, colleague_advisor):
    PlaceAdvisor.objects.create(place=place, advisor=colleague_advisor)
    with pytest.raises(PermissionDenied):
        services.set_main_place(colleague_advisor, place, by=advisor)


def test_the_database_refuses_two_main_places(place, employer, advisor):
    other = make_place(employer, name="Mairie")
    with pytest.raises(IntegrityError), transaction.atomic():
        PlaceAdvisor.objects.create(place=other, advisor=advisor, main=True)


@pytest.mark.parametrize(
    "address", ["1 rue de la Paix", "1, Rue de la PAIX", "1 r. de la Paix", "1 rue de la Paîx"]
)
def test_same_address_in_the_same_commune_is_a_duplicate(place, address):
    assert list(services.duplicate_address_warning(address, place.commune)) == [place]
    assert not services.duplicate_address_warning(address, place.commune, exclude=place)


def test_same_address_elsewhere_is_no_duplicate(place, jura):
    other = factories.CommuneFactory(insee="39013", departement=jura)
    assert not services.duplicate_address_warning("1 rue de la Paix", other)
    assert not services.duplicate_address_warning("2 rue de la Paix", place.commune)
