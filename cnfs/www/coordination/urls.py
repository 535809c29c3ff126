from django.urls import path

from cnfs.www.coordination import views

app_name = "coordination"

urlpatterns = [
    path("coordinateur/", views.coordinator, name="coordinator"),
    path("coordinateur/conseillers.csv", views.coordinator_csv, name="coordinator_csv"),
    path("coordinateur/inviter/", views.invite, name="invite"),
    path("coordinateur/activites/", views.activities, name="activities"),
    path("coordinateur/activites.csv", views.activities_csv, name="activities_csv"),
    path("coordinateur/lien/<int:pk>/terminer/", views.end_link, name="end_link"),
    path("structure/coordination/", views.structure_links, name="structure_links"),
    path("structure/coordination/<int:pk>/repondre/", views.answer_link, name="answer_link"),
    path("structure/reseaux/", views.structure_networks, name="structure_networks"),
    path("hub/", views.hub, name="hub"),
    path("hub/structures.csv", views.hub_csv, name="hub_csv"),
    path("reseau/", views.network, name="network"),
    path("reseau/membres.csv", views.network_csv, name="network_csv"),
    path("reseau/adhesion/<int:pk>/confirmer/", views.confirm, name="confirm"),
]
