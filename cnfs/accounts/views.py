from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.encoding import force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.views.decorators.http import require_POST

from cnfs.accounts import services
from cnfs.accounts.enums import Role
from cnfs.accounts.forms import LoginForm, PasswordResetForm, SetPasswordForm
from cnfs.accounts.models import User


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


def activate(request, uidb64, token):
    try:
        user = User.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)))
    except (User.DoesNotExist, ValueError, TypeError, OverflowError):
        user = None
    if user is None or user.is_active or not services.activation_token.check_token(user, token):
        return render(request, "accounts/activation_invalid.html", status=400)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.activate(user, password=form.cleaned_data["new_password1"])
        login(request, user, backend="cnfs.accounts.backends.EmailBackend")
        messages.success(request, "Votre compte est activé. Bienvenue !")
        return redirect("accounts:dashboard")
    return render(request, "accounts/activate.html", {"form": form, "account": user})


@login_required
def dashboard(request):
    held = request.user.role_kinds()
    context = {
        "role_choices": [(r.value, r.label) for r in Role if r.value in held],
        "page_title": "Mon espace",
        "breadcrumb_data": {"links": [], "current": "Mon espace"},
    }
    return render(request, "accounts/dashboard.html", context)


@login_required
@require_POST
def switch_role(request):
    if services.switch_role(request, request.POST.get("role", "")):
        messages.info(request, "Rôle actif changé.")
    else:
        messages.error(request, "Vous ne détenez pas ce rôle.")
    next_url = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = reverse_lazy("accounts:dashboard")
    return redirect(next_url)
