from django.urls import path

from cnfs.notifications import views

app_name = "notifications"

urlpatterns = [
    path("compte/notifications/", views.notification_list, name="list"),
    path("compte/notifications/lues/", views.mark_read, name="mark_read"),
    path("compte/notifications/preferences/", views.preferences, name="preferences"),
    path("dev/courriels/", views.mailbox, name="mailbox"),
    path("dev/courriels/<str:name>/", views.mailbox_message, name="mailbox_message"),
]
