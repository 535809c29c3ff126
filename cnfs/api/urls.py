from cnfs.api.activity import router as activity_router
from cnfs.api.auth import install_error_handlers
from cnfs.api.base import Api
from cnfs.api.candidates import router as candidates_router
from cnfs.api.committee import router as committee_router
from cnfs.api.contracts import router as recruitments_router
from cnfs.api.matching import router as matching_router
from cnfs.api.structures import router as structures_router
from cnfs.api.territories import router as territories_router
from cnfs.followup.api import router as followup_router
from cnfs.partners import auth as partners_auth
from cnfs.partners.api import router as partners_router

api = Api(
    title="API Conseiller numérique France Services",
    version="1",
    description=(
        "API de la plateforme Conseiller numérique France Services. Les données publiques "
        "et le dépôt d’une candidature de structure ou de candidat sont accessibles sans "
        "authentification.\n\n"
        "Les autres points d’accès utilisent la session de la plateforme (cookie `sessionid`, "
        "obtenu en se connectant au site) et le rôle actif choisi dans cette session : un "
        "objet hors de votre périmètre répond 404, une action interdite à votre rôle 403, "
        "une requête sans session 401. Toute requête d’écriture authentifiée (POST) porte "
        "l’en-tête `X-CSRFToken` avec la valeur du cookie `csrftoken`.\n\n"
        'Les erreurs de saisie répondent 422 : `{"detail": [{"loc": ["body", '
        '"payload", "<champ>"], "msg": "<message en français>", "type": …}]}`. '
        'Les listes sont paginées (`page`, `page_size`) : `{"items": […], "count": n}`.\n\n'
        'Toute erreur répond en JSON `{"detail": …}` : 400 requête illisible (JSON invalide, '
        "multipart mal formé, caractère nul), 401, 403, 404, 413 corps trop volumineux, "
        "422, 429 trop de requêtes (API des partenaires)."
    ),
    urls_namespace="api",
)
install_error_handlers(api)
partners_auth.install_error_handlers(api)
api.add_router("/", territories_router)
api.add_router("/structures", structures_router)
api.add_router("/committee", committee_router)
api.add_router("/territories", followup_router)
api.add_router("/candidates", candidates_router)
api.add_router("/", matching_router)
api.add_router("/recruitments", recruitments_router)
api.add_router("/activity", activity_router)
api.add_router("/partners", partners_router)
