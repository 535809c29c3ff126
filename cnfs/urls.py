from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from cnfs.api.urls import api
from cnfs.web.views import healthz, security_txt

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path(".well-known/security.txt", security_txt, name="security_txt"),
    path("", include("cnfs.web.urls")),
    path("", include("cnfs.notifications.urls")),
    path("compte/", include("cnfs.accounts.urls")),
    path("", include("cnfs.www.territories.urls")),
    path("", include("cnfs.publicpages.urls")),
    path("donnees/", include("cnfs.opendata.urls")),
    path("carte/", include("cnfs.public.urls")),
    path("structures/", include("cnfs.www.structures.urls")),
    path("comite/", include("cnfs.www.committee.urls")),
    path("financement/", include("cnfs.www.funding.urls")),
    path("suivi/", include("cnfs.followup.urls")),
    path("candidats/", include("cnfs.www.candidates.urls")),
    path("recrutement/", include("cnfs.www.matching.urls")),
    path("lieux/", include("cnfs.www.places.urls")),
    path("conseillers/", include("cnfs.www.contracts.urls")),
    path("activite/", include("cnfs.www.activity.urls")),
    path("statistiques-activite/", include("cnfs.www.stats.urls")),
    path("coordination/", include("cnfs.www.coordination.urls")),
    path("partenaires/", include("cnfs.partners.urls")),
    path("api/v1/", api.urls),
    path("gestion/", admin.site.urls),
]

if settings.OIDC_DEV_PROVIDER:  # the local stand-in for ProConnect (never in production)
    urlpatterns.append(path("dev-idp/", include("cnfs.devidp.urls")))

handler400 = "cnfs.web.views.bad_request"
handler403 = "cnfs.web.views.permission_denied"
handler404 = "cnfs.web.views.page_not_found"
handler500 = "cnfs.web.views.server_error"
