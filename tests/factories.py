import factory
from factory.django import DjangoModelFactory

from cnfs.accounts.models import RoleAssignment, User
from cnfs.structures.models import Structure
from cnfs.territories.models import Commune, Departement, Region

PASSWORD = "Un-mot-de-passe-solide-2021"


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = "27"
    name = "Bourgogne-Franche-Comté"


class DepartementFactory(DjangoModelFactory):
    class Meta:
        model = Departement
        django_get_or_create = ["code"]

    code = "39"
    name = "Jura"
    region = factory.SubFactory(RegionFactory)


class CommuneFactory(DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ["insee"]

    insee = factory.Sequence(lambda n: f"{39000 + n % 999 + 1:05d}")
    name = factory.Sequence(lambda n: f"Commune {n}")
    search_name = factory.LazyAttribute(lambda o: o.name.lower())
    departement = factory.SubFactory(DepartementFactory)
    region = factory.SelfAttribute("departement.region")
    postal_codes = factory.LazyAttribute(lambda o: o.insee)
    population = 1000
    latitude = 46.67
    longitude = 5.55

    class Params:
        overseas = factory.Trait(
            departement=factory.SubFactory(
                DepartementFactory,
                code="971",
                name="Guadeloupe",
                region=factory.SubFactory(RegionFactory, code="01", name="Guadeloupe"),
            ),
            latitude=16.24,
            longitude=-61.53,
        )


class StructureFactory(DjangoModelFactory):
    class Meta:
        model = Structure

    name = factory.Sequence(lambda n: f"Structure {n}")
    siret = ""
    commune = factory.SubFactory(CommuneFactory)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Dupont{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        """``roles=[(Role.PREFECTURE, {"departement": jura}), …]``"""
        self.save()
        for role, scope in extracted or []:
            RoleAssignment.objects.create(user=self, role=role, **scope)
