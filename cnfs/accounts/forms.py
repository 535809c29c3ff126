from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from dsfr.forms import DsfrBaseForm

from cnfs.accounts import mfa, services
from cnfs.common.mail import send_templated_email


class LoginForm(DsfrBaseForm, auth_forms.AuthenticationForm):
    username = forms.EmailField(
        label="Adresse e-mail",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": "Adresse e-mail ou mot de passe incorrect.",
        "inactive": "Ce compte n'est pas encore activé : suivez le lien reçu par e-mail.",
        "locked": (
            "Trop de tentatives de connexion échouées : ce compte est verrouillé pendant "
            "encore %(minutes)s minute(s). Vous pouvez réinitialiser votre mot de passe."
        ),
    }

    def clean(self):
        email = (self.cleaned_data.get("username") or "").lower()
        if self.cleaned_data.get("password") is None:
            email = ""  # no password checked: nothing to count
        if email:
            remaining = services.begin_login_attempt(email)
            if remaining is not None:
                minutes = max(1, int(remaining.total_seconds() // 60) + 1)
                raise forms.ValidationError(
                    self.error_messages["locked"], code="locked", params={"minutes": minutes}
                )
        cleaned = super().clean()  # a ValidationError leaves the attempt counted as a failure
        if email and self.user_cache is not None:
            services.end_login_attempt(email, succeeded=True)
        return cleaned


class PasswordResetForm(DsfrBaseForm, auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label="Adresse e-mail", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        """Through the task queue, like every other e-mail of the platform."""
        context = {
            **context,
            "protocol": settings.SITE_URL.split("://")[0],
            "domain": settings.SITE_URL.split("://")[1],
        }
        send_templated_email(to_email, email_template_name, context)


class SetPasswordForm(DsfrBaseForm, auth_forms.SetPasswordForm):
    pass


class SecondFactorForm(DsfrBaseForm):
    """The code step of the login: a code of the authenticator app, or a backup code."""

    code = forms.CharField(
        label="Code de vérification",
        help_text=(
            "Les 6 chiffres affichés par votre application d’authentification, ou l’un de vos "
            "codes de secours."
        ),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )
    error_messages = {
        "invalid": "Ce code n’est pas valide ou a déjà servi. Vérifiez l’heure de votre téléphone.",
        "locked": LoginForm.error_messages["locked"],
    }

    def __init__(self, user, *args, **kwargs):
        self.user = user
        self.device = None
        super().__init__(*args, **kwargs)

    def clean_code(self):
        code = self.cleaned_data["code"]
        # Wrong codes count against the same lockout as wrong passwords, under a key of
        # their own: a right password does not forgive them.
        key = f"second-factor:{self.user.email}"
        remaining = services.begin_login_attempt(key)
        if remaining is not None:
            minutes = max(1, int(remaining.total_seconds() // 60) + 1)
            raise forms.ValidationError(
                self.error_messages["locked"], code="locked", params={"minutes": minutes}
            )
        self.device = mfa.verify(self.user, code)
        if self.device is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        services.end_login_attempt(key, succeeded=True)
        return code


class SecondFactorSetupForm(DsfrBaseForm):
    """Confirming the authenticator app with its first code."""

    code = forms.CharField(
        label="Code affiché par l’application",
        help_text="6 chiffres, renouvelés toutes les 30 secondes.",
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def __init__(self, device, *args, **kwargs):
        self.device = device
        self.backup_codes = None
        super().__init__(*args, **kwargs)

    def clean_code(self):
        code = self.cleaned_data["code"]
        self.backup_codes = mfa.confirm_device(self.device, code)
        if self.backup_codes is None:
            raise forms.ValidationError(
                "Ce code ne correspond pas : vérifiez la clé saisie dans l’application et "
                "l’heure de votre téléphone, puis saisissez le code affiché.",
                code="invalid",
            )
        return code
