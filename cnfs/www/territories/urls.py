"""Mounted at the site's root: the territory pages under /territoires/, the public
statistics at /statistiques/."""

from django.urls import path

from cnfs.www.territories import views

app_name = "territories"

urlpatterns = [
    path("territoires/", views.index, name="index"),
    path(
        "territoires/communes/suggestions/",
        views.commune_suggestions,
        name="commune_suggestions",
    ),
    path("territoires/region/<str:code>/", views.region, name="region"),
    path("territoires/region/<str:code>/contact/", views.region_contact, name="region_contact"),
    path("territoires/departement/<str:code>/", views.departement, name="departement"),
    path(
        "territoires/departement/<str:code>/contact/",
        views.departement_contact,
        name="departement_contact",
    ),
    path("statistiques/", views.statistics, name="statistics"),
]
