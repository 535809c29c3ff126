from django.urls import path

from cnfs.partners import views

app_name = "partners"

urlpatterns = [
    path("api/", views.docs, name="docs"),
]
