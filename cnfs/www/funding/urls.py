from django.urls import path

from cnfs.www.funding import views

app_name = "funding"

urlpatterns = [
    path("", views.index, name="index"),
    path("convention/<int:pk>/", views.agreement_detail, name="agreement"),
    path("echeance/<int:pk>/versement/", views.record_payment, name="pay"),
    path("versement/<int:pk>/contre-passation/", views.counter_entry, name="counter_entry"),
    path("poste/<int:pk>/fin/", views.end_post, name="end_post"),
    path("a-reverser/", views.recoveries, name="recoveries"),
]
