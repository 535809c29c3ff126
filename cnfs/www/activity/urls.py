from django.urls import path

from cnfs.www.activity import views

app_name = "activity"

urlpatterns = [
    path("", views.history, name="history"),
    path("nouveau/", views.new, name="new"),
    path("importer/", views.import_view, name="import"),
    path("<int:pk>/modifier/", views.edit, name="edit"),
    path("<int:pk>/dupliquer/", views.duplicate, name="duplicate"),
    path("<int:pk>/supprimer/", views.delete, name="delete"),
]
