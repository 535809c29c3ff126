from django.urls import path

from cnfs.www.committee import views

app_name = "committee"

urlpatterns = [
    path("", views.session_list, name="sessions"),
    path("<int:number>/", views.session_detail, name="session"),
    path("<int:number>/ordre-du-jour/", views.build_agenda, name="build_agenda"),
    path("<int:number>/cloturer/", views.close_session, name="close"),
    path("<int:number>/proces-verbal.csv", views.minutes_csv, name="minutes_csv"),
    path("<int:number>/proces-verbal/", views.minutes_print, name="minutes"),
    path("<int:number>/importer/", views.import_view, name="import"),
    path("item/<int:pk>/decider/", views.decide_item, name="decide"),
]
