from django.urls import path

from cnfs.www.places import views

app_name = "places"

urlpatterns = [
    path("", views.place_list, name="list"),
    path("ajouter/", views.place_create, name="create"),
    path("horaires/apercu/", views.hours_preview, name="hours_preview"),
    path("<int:pk>/", views.place_detail, name="detail"),
    path("<int:pk>/modifier/", views.place_edit, name="edit"),
    path("<int:pk>/confirmer/", views.place_confirm, name="confirm"),
]
