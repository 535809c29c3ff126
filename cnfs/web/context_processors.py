from django.conf import settings

from cnfs.web.menus import menu_for

SITE_CONFIG = {
    "site_title": "Conseiller numérique France Services",
    "site_tagline": (
        "4 000 conseillers pour accompagner les Français dans leurs usages du numérique"
    ),
    "header_brand_html": "République<br>Française",
    "footer_brand_html": "République<br>Française",
    "beta_tag": False,
    "mourning": False,
}


def site(request):
    return {
        "SITE_CONFIG": SITE_CONFIG,
        "main_menu": menu_for(request),
        "active_role": getattr(getattr(request, "user", None), "active_role", None),
        "DEBUG": settings.DEBUG,
    }
