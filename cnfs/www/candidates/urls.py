from django.urls import path

from cnfs.www.candidates import views

app_name = "candidates"

urlpatterns = [
    path("inscription/", views.apply, name="apply"),
    path("inscription/envoyee/", views.apply_sent, name="apply_sent"),
    path("confirmer/<str:token>/", views.confirm, name="confirm"),
    path("mon-espace/", views.space, name="space"),
    path("mon-espace/retirer/", views.withdraw, name="withdraw"),
    path("mon-espace/supprimer/", views.delete, name="delete"),
    path("candidature-supprimee/", views.deleted, name="deleted"),
    path("<int:pk>/cv/", views.cv, name="cv"),
]
