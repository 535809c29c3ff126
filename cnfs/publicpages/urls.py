"""Mounted at the site's root: /ressources/ and /questions-frequentes/."""

from django.urls import path

from cnfs.publicpages import views

app_name = "publicpages"

urlpatterns = [
    path("ressources/", views.resources, name="resources"),
    path("ressources/<int:pk>/fichier/", views.resource_file, name="resource_file"),
    path("questions-frequentes/", views.faq, name="faq"),
]
