from django.urls import path

from cnfs.territories import views

app_name = "territories"

urlpatterns = [
    path("", views.index, name="index"),
    path("communes/suggestions/", views.commune_suggestions, name="commune_suggestions"),
]
