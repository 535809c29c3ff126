from django.contrib.auth import views as auth_views
from django.urls import path

from cnfs.accounts import views

app_name = "accounts"

urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("second-facteur/", views.second_factor, name="second_factor"),
    path("second-facteur/configurer/", views.second_factor_setup, name="second_factor_setup"),
    path("second-facteur/codes-de-secours/", views.backup_codes, name="backup_codes"),
    path("deconnexion/", views.logout_view, name="logout"),
    path("proconnect/", views.proconnect_login, name="proconnect_login"),
    path("proconnect/retour/", views.proconnect_callback, name="proconnect_callback"),
    path("", views.dashboard, name="dashboard"),
    path("role/", views.switch_role, name="switch_role"),
    path("activer/<uidb64>/<token>/", views.activate, name="activate"),
    path("mot-de-passe/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "mot-de-passe/envoye/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/termine/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
