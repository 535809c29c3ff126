import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def places(jura):
    """Representative places: a full one, an itinerant one without SIRET, an overseas one,
    and places that must not be published (hidden, inactive, no advisor, contract ended)."""
    from datetime import date

    from cnfs.contracts.enums import ContractStatus
    from cnfs.contracts.models import Contract
    from cnfs.places.enums import Access, Fees, Public, Service
    from cnfs.places.services import Label
    from cnfs.structures.enums import LegalType
    from tests import factories
    from tests.places.conftest import make_advisor, make_place

    dole = factories.CommuneFactory(
        insee="39198", name="Dole", search_name="dole", postal_codes="39100", departement=jura
    )
    employer = factories.StructureFactory(
        name="CC du Grand Dole",
        validated=True,
        granted_posts=3,
        commune=dole,
        legal_type=LegalType.EPCI,
        committed_subsidy_cents=15_000_000,
    )
    first, second = make_advisor(employer), make_advisor(employer)
    full = make_place(
        employer,
        first,
        second,
        main=False,
        name="Médiathèque de Dole",
        siret="21390198600017",
        phone="+33384123456",
        email="mediatheque@dole.fr",
        website="https://www.dole.fr/",
        opening_hours="Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00",
        access=Access.WALK_IN,
        services=[
            Service.EVERYDAY_USES,
            Service.DEVICES,
            Service.ONLINE_PROCEDURES,
            Service.SECURITY,
            Service.JOB,
            Service.CHILDREN,
            Service.CREATION,
            Service.AWARENESS,
        ],
        publics=[Public.YOUTH, Public.SENIORS, Public.FAMILIES, Public.JOB_SEEKERS],
        fees=Fees.FREE_UNDER_CONDITIONS,
        labels=list(Label.values),
    )
    itinerant = make_place(
        employer,
        first,
        name="Bus numérique",
        itinerant=True,
        access=Access.APPOINTMENT,
        phone="+33384000001",
        services=[Service.ONLINE_PROCEDURES],
        publics=[Public.EVERYONE],
        fees=Fees.FREE,
    )
    guadeloupe = factories.DepartementFactory(
        code="971",
        name="Guadeloupe",
        region=factories.RegionFactory(code="01", name="Guadeloupe"),
    )
    pointe = factories.CommuneFactory(
        insee="97120",
        name="Pointe-à-Pitre",
        search_name="pointe a pitre",
        postal_codes="97110",
        departement=guadeloupe,
        latitude=16.24,
        longitude=-61.53,
    )
    overseas_employer = factories.StructureFactory(
        name="Association Karukera",
        validated=True,
        granted_posts=2,
        commune=pointe,
        legal_type=LegalType.ASSOCIATION,
        committed_subsidy_cents=6_400_000,
    )
    overseas_advisor = make_advisor(overseas_employer)
    overseas = make_place(
        overseas_employer,
        overseas_advisor,
        name="Cyber-base",
        commune=pointe,
        latitude=16.2411,
        longitude=-61.5331,
        phone="+590590123456",
        access=Access.NOT_PUBLIC,
        fees=Fees.PAID,
        services=[],
        publics=[Public.DISABILITY],
    )
    hidden = make_place(employer, first, name="Lieu masqué", visible_on_map=False)
    closed = make_place(employer, first, name="Lieu fermé", active=False)
    empty = make_place(employer, name="Lieu sans conseiller")
    gone = make_advisor(employer)
    Contract.objects.filter(candidate__user=gone).update(
        status=ContractStatus.ENDED, ended_on=date(2022, 3, 1), end_reason="resignation"
    )
    left = make_place(employer, gone, name="Lieu d’un conseiller parti")
    return {
        "full": full,
        "itinerant": itinerant,
        "overseas": overseas,
        "unpublished": [hidden, closed, empty, left],
    }
