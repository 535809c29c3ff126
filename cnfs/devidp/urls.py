from django.urls import path
from oauth2_provider import urls as provider_urls

from cnfs.devidp import views

# django-oauth-toolkit reverses its own names in this namespace (discovery document).
app_name = "oauth2_provider"

urlpatterns = [
    path("authorize/", views.DevAuthorizationView.as_view(), name="authorize"),
    path("connexion/", views.login, name="login"),
    *(p for p in provider_urls.base_urlpatterns if p.name in {"token", "revoke-token"}),
    *provider_urls.oidc_urlpatterns,
]
