from django.urls import path

from cnfs.opendata import views
from cnfs.opendata.datasets import DATASETS

app_name = "opendata"

urlpatterns = [
    path("", views.index, name="index"),
    *[
        path(dataset.filename, views.download, {"slug": dataset.slug}, name=dataset.slug)
        for dataset in DATASETS
    ],
]
