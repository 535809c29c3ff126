from django.urls import path

from cnfs.www.matching import views

app_name = "matching"

urlpatterns = [
    path("", views.proposals, name="proposals"),
    path("<int:pk>/preselectionner/", views.shortlist, name="shortlist"),
    path("<int:pk>/refuser/", views.decline, name="decline"),
    path("<int:pk>/contrat/", views.contract, name="contract"),
    path("recherche/", views.search, name="search"),
    path(
        "recherche/<int:candidate_pk>/preselectionner/",
        views.shortlist_candidate,
        name="shortlist_candidate",
    ),
    path("contrats/", views.contract_list, name="contracts"),
    path("contrats/<int:pk>/fin/", views.end_contract, name="end_contract"),
    path("contrats/<int:pk>/renouveler/", views.renew_contract, name="renew_contract"),
]
