from django.urls import path

from cnfs.www.stats import views

app_name = "stats"

urlpatterns = [
    path("", views.index, name="index"),
    path("imprimer/", views.printable, name="print"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("sans-activite/", views.inactive, name="inactive"),
]
