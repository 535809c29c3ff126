from django.urls import path

from cnfs.www.contracts import views

app_name = "contracts"

urlpatterns = [
    path("", views.advisors, name="advisors"),
    path("recrutements/", views.to_validate, name="to_validate"),
    path("recrutements/<int:pk>/valider/", views.validate, name="validate"),
    path("recrutements/<int:pk>/refuser/", views.reject, name="reject"),
    path("fins/", views.end_requests, name="end_requests"),
    path(
        "fins/<int:pk>/valider/",
        views.end_decision,
        {"decision": "validate"},
        name="validate_end",
    ),
    path("fins/<int:pk>/refuser/", views.end_decision, {"decision": "refuse"}, name="refuse_end"),
    path("formation/<int:pk>/", views.training_record, name="training"),
    path("postes-sans-candidats/", views.shortage, name="shortage"),
]
