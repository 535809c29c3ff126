from django.contrib import admin
from django.urls import include, path

from cnfs.api.urls import api
from cnfs.web.views import healthz, security_txt

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path(".well-known/security.txt", security_txt, name="security_txt"),
    path("", include("cnfs.web.urls")),
    path("compte/", include("cnfs.accounts.urls")),
    path("", include("cnfs.territories.urls")),
    path("donnees/", include("cnfs.opendata.urls")),
    path("carte/", include("cnfs.public.urls")),
    path("structures/", include("cnfs.structures.urls")),
    path("comite/", include("cnfs.committee.urls")),
    path("financement/", include("cnfs.funding.urls")),
    path("suivi/", include("cnfs.followup.urls")),
    path("candidats/", include("cnfs.candidates.urls")),
    path("recrutement/", include("cnfs.matching.urls")),
    path("lieux/", include("cnfs.places.urls")),
    path("conseillers/", include("cnfs.contracts.urls")),
    path("activite/", include("cnfs.activity.urls")),
    path("statistiques-activite/", include("cnfs.stats.urls")),
    path("coordination/", include("cnfs.coordination.urls")),
    path("partenaires/", include("cnfs.partners.urls")),
    path("api/v1/", api.urls),
    path("gestion/", admin.site.urls),
]

handler400 = "cnfs.web.views.bad_request"
handler403 = "cnfs.web.views.permission_denied"
handler404 = "cnfs.web.views.page_not_found"
handler500 = "cnfs.web.views.server_error"
