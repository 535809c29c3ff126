from ninja import NinjaAPI

from cnfs.territories.api import router as territories_router

api = NinjaAPI(
    title="API Conseiller numérique France Services",
    version="1",
    description=(
        "API de la plateforme Conseiller numérique France Services. Les données publiques "
        "sont accessibles sans authentification."
    ),
    urls_namespace="api",
)
api.add_router("/", territories_router)
