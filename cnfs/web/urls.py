from django.urls import path

from cnfs.common import retention
from cnfs.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("programme/", views.page("web/programme.html", "Le programme"), name="programme"),
    path("mentions-legales/", views.page("web/legal.html", "Mentions légales"), name="legal"),
    path(
        "donnees-personnelles/",
        views.page("web/privacy.html", "Données personnelles", {"kept": retention.periods()}),
        name="privacy",
    ),
    path(
        "accessibilite/",
        views.page("web/accessibility.html", "Déclaration d’accessibilité"),
        name="accessibility",
    ),
    path(
        "sources-des-donnees/",
        views.page("web/sources.html", "Sources des données et licences"),
        name="sources",
    ),
]
