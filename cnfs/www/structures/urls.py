from django.urls import path

from cnfs.www.structures import views

app_name = "structures"

urlpatterns = [
    path("", views.structure_list, name="list"),
    path("candidater/", views.apply, name="apply"),
    path("candidater/envoyee/", views.apply_sent, name="apply_sent"),
    path("confirmer/<str:token>/", views.confirm, name="confirm"),
    path("<int:pk>/", views.structure_detail, name="detail"),
    path("<int:pk>/avenant/", views.amend, name="amend"),
    path("<int:pk>/equipe/", views.team, name="team"),
    path("rejoindre/<str:token>/", views.join, name="join"),
]
