from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from dsfr.forms import DsfrBaseForm
from oauth2_provider.views import AuthorizationView

from cnfs.accounts.models import User

# The provider's own login, kept apart from the site's: a key of the shared session cookie
# that the site's authentication never reads.
SESSION_KEY = "dev_idp_user"


class ProviderLoginForm(DsfrBaseForm):
    email = forms.EmailField(label="Adresse e-mail")
    password = forms.CharField(label="Mot de passe", widget=forms.PasswordInput, strip=False)


def login(request):
    form = ProviderLoginForm(request.POST or None)
    next_url = request.GET.get("next", "")
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request,
            username=form.cleaned_data["email"],
            password=form.cleaned_data["password"],
        )
        if user is None:
            form.add_error("password", "Adresse e-mail ou mot de passe incorrect.")
        else:
            request.session[SESSION_KEY] = user.pk
            if url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
                return redirect(next_url)
            return redirect("/")
    return render(request, "devidp/login.html", {"form": form})


class DevAuthorizationView(AuthorizationView):
    """django-oauth-toolkit's authorization endpoint, logged in by the provider's own login."""

    login_url = "oauth2_provider:login"

    def dispatch(self, request, *args, **kwargs):
        user_id = request.session.get(SESSION_KEY)
        user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
        request.user = user or AnonymousUser()
        return super().dispatch(request, *args, **kwargs)
