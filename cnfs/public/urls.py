from django.urls import path

from cnfs.public import views

app_name = "public"

urlpatterns = [
    path("", views.map_page, name="map"),
    path("donnees.json", views.map_data, name="data"),
    path("departements.geojson", views.outlines, name="outlines"),
    path("integration/", views.embed, name="embed"),
    path("lieu/<int:pk>/", views.place_detail, name="place"),
]
