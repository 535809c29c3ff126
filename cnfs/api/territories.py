from ninja import Field, Router, Schema

from cnfs.territories.models import Commune

router = Router(tags=["Territoires"])


class CommuneOut(Schema):
    insee: str = Field(description="Code INSEE de la commune")
    name: str = Field(description="Nom de la commune")
    postal_codes: list[str] = Field(description="Codes postaux")
    departement: str = Field(description="Code du département")
    departement_name: str
    region: str = Field(description="Code de la région")
    population: int
    latitude: float
    longitude: float
    overseas_territory: str = Field(description="Territoire d'outre-mer, vide en métropole")

    @staticmethod
    def resolve_postal_codes(obj):
        return obj.postal_code_list

    @staticmethod
    def resolve_departement(obj):
        return obj.departement_id

    @staticmethod
    def resolve_departement_name(obj):
        return obj.departement.name

    @staticmethod
    def resolve_region(obj):
        return obj.region_id


@router.get("/communes", response=list[CommuneOut], summary="Rechercher une commune")
def search_communes(request, q: str = "", limit: int = 10):
    """Recherche par nom (sans tenir compte des accents, de la casse ni de « st »/« saint »)
    ou par code postal ; les communes les plus peuplées d'abord. Au plus 50 résultats."""
    return list(Commune.objects.select_related("departement").search(q, limit=limit))
