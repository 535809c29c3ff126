from django.urls import path

from cnfs.followup import views

app_name = "followup"

urlpatterns = [
    path("", views.index, name="index"),
    path("avis/", views.opinions, name="opinions"),
    path("avis/<int:pk>/", views.give_opinion, name="give_opinion"),
    path("lieux/", views.places, name="places"),
    path("departement/<str:code>/", views.departement, name="departement"),
]
