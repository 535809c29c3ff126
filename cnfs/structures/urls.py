from django.urls import path

from cnfs.structures import views

app_name = "structures"

urlpatterns = [
    path("", views.structure_list, name="list"),
    path("<int:pk>/", views.structure_detail, name="detail"),
]
