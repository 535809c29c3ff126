from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.encoding import force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.views.decorators.http import require_POST

from cnfs.accounts import mfa, proconnect, services
from cnfs.accounts.enums import Role
from cnfs.accounts.forms import (
    LoginForm,
    PasswordResetForm,
    SecondFactorForm,
    SecondFactorSetupForm,
    SetPasswordForm,
)
from cnfs.accounts.models import User


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"proconnect": proconnect.configured()}

    def form_valid(self, form):
        user = form.get_user()
        if not mfa.required_for(user):
            return super().form_valid(form)
        # The password was right; the session opens only after the second factor.
        mfa.begin(self.request, user, backend=user.backend, next_url=self.get_redirect_url())
        return redirect("accounts:second_factor")


def _pending_or_restart(request):
    user, next_url = mfa.pending(request)
    if user is None:
        messages.info(request, "Votre connexion a expiré : saisissez à nouveau votre mot de passe.")
    return user, next_url


def _after_login(next_url):
    return redirect(next_url or settings.LOGIN_REDIRECT_URL)


def second_factor(request):
    """Second step of the login: a code of the authenticator app, or a backup code."""
    user, next_url = _pending_or_restart(request)
    if user is None:
        return redirect("accounts:login")
    if not mfa.has_device(user):
        return redirect("accounts:second_factor_setup")
    form = SecondFactorForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        mfa.complete(request, user, form.device)
        return _after_login(next_url)
    return render(
        request,
        "accounts/second_factor.html",
        {"form": form, "page_title": "Second facteur"},
    )


def second_factor_setup(request):
    """First login of an account that needs a second factor: link an authenticator app."""
    user, next_url = _pending_or_restart(request)
    if user is None:
        return redirect("accounts:login")
    if mfa.has_device(user):
        return redirect("accounts:second_factor")
    device = mfa.setup_device(user)
    form = SecondFactorSetupForm(device, request.POST or None)
    if request.method == "POST" and form.is_valid():
        mfa.complete(request, user, device)
        return render(
            request,
            "accounts/backup_codes.html",
            {"codes": form.backup_codes, "next_url": next_url or settings.LOGIN_REDIRECT_URL},
        )
    return render(
        request,
        "accounts/second_factor_setup.html",
        {
            "form": form,
            "qr_svg": mfa.qr_svg(device),
            "secret": mfa.secret_of(device),
            "page_title": "Configurer le second facteur",
        },
    )


@login_required
def backup_codes(request):
    """New backup codes (the old ones stop working), shown once."""
    if not mfa.has_device(request.user):
        return redirect("accounts:dashboard")
    if request.method == "POST":
        codes = mfa.new_backup_codes(request.user)
        return render(
            request,
            "accounts/backup_codes.html",
            {"codes": codes, "next_url": settings.LOGIN_REDIRECT_URL, "renewed": True},
        )
    return render(request, "accounts/backup_codes_renew.html")


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
        "has_second_factor": mfa.has_device(request.user),
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


# ProConnect --------------------------------------------------------------------------------

BACKEND = "cnfs.accounts.backends.EmailBackend"
NEXT_KEY = "proconnect_next"
ID_TOKEN_KEY = "proconnect_id_token"  # noqa: S105  (a session key)


def proconnect_login(request):
    """Off to the provider: PKCE, state and nonce are kept in the session by Authlib."""
    if not proconnect.configured():
        raise Http404
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = ""
    request.session[NEXT_KEY] = next_url
    extra = {"acr_values": settings.OIDC_ACR_VALUES} if settings.OIDC_ACR_VALUES else {}
    redirect_uri = request.build_absolute_uri(reverse("accounts:proconnect_callback"))
    try:
        return proconnect.client().authorize_redirect(request, redirect_uri, **extra)
    except proconnect.UNREACHABLE as error:
        proconnect.logger.warning("ProConnect unreachable: %s", type(error).__name__)
        return render(request, "accounts/proconnect_error.html", {"unreachable": True}, status=503)


def proconnect_callback(request):
    if not proconnect.configured():
        raise Http404
    try:
        token = proconnect.client().authorize_access_token(request)
        claims = proconnect.claims_of(token)
    except proconnect.UNREACHABLE as error:
        proconnect.logger.warning("ProConnect unreachable: %s", type(error).__name__)
        return render(request, "accounts/proconnect_error.html", {"unreachable": True}, status=503)
    except proconnect.FLOW_ERRORS as error:
        # The kind of error only: what the provider sent may name the person.
        proconnect.logger.warning("ProConnect login refused: %s", type(error).__name__)
        return render(request, "accounts/proconnect_error.html", status=400)
    user = proconnect.account_for(claims)
    if user is None:
        return render(request, "accounts/proconnect_unknown.html", status=403)
    next_url = request.session.pop(NEXT_KEY, "")
    request.session[ID_TOKEN_KEY] = token["id_token"]
    if mfa.required_for(user) and not proconnect.second_factor_proved(claims):
        mfa.begin(request, user, backend=BACKEND, next_url=next_url)
        return redirect("accounts:second_factor")
    login(request, user, backend=BACKEND)
    if mfa.required_for(user):
        request.session[mfa.IDP_KEY] = True
    return _after_login(next_url)


@require_POST
def logout_view(request):
    """Log out here, then at the provider when the session came from it."""
    id_token = request.session.get(ID_TOKEN_KEY)
    logout(request)
    if id_token and proconnect.configured():
        return proconnect.client().logout_redirect(
            request,
            post_logout_redirect_uri=request.build_absolute_uri(
                resolve_url(settings.LOGOUT_REDIRECT_URL)
            ),
            id_token_hint=id_token,
        )
    return redirect(settings.LOGOUT_REDIRECT_URL)
