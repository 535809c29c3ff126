from django.apps import apps
from django.conf import settings


def register_client(site_url: str):
    """The site as a client of the local provider, redirected back to ``site_url``."""
    application_model = apps.get_model("oauth2_provider", "Application")
    application, _ = application_model.objects.update_or_create(
        client_id=settings.DEV_OIDC_CLIENT_ID,
        defaults={
            "name": "Conseiller numérique (développement)",
            "client_secret": settings.DEV_OIDC_CLIENT_SECRET,
            "client_type": application_model.CLIENT_CONFIDENTIAL,
            "authorization_grant_type": application_model.GRANT_AUTHORIZATION_CODE,
            "redirect_uris": f"{site_url}/compte/proconnect/retour/",
            "post_logout_redirect_uris": f"{site_url}/",
            "algorithm": application_model.RS256_ALGORITHM,
            "skip_authorization": True,
        },
    )
    return application
