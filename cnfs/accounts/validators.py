"""Password rules that depend on the account (docs/domain.md §2)."""

from django.core.exceptions import ValidationError

from cnfs.accounts.enums import Role

PRIVILEGED_MIN_LENGTH = 16


class PrivilegedPasswordLengthValidator:
    """16 characters for the national team, who decide posts and money (ANSSI)."""

    def __init__(self, min_length: int = PRIVILEGED_MIN_LENGTH):
        self.min_length = min_length

    def validate(self, password, user=None):
        if user is None or user.pk is None or len(password) >= self.min_length:
            return
        if user.roles.filter(role=Role.NATIONAL).exists():
            raise ValidationError(
                "Pour un compte de l’équipe nationale, le mot de passe doit contenir au moins "
                "%(min_length)d caractères.",
                code="password_too_short_privileged",
                params={"min_length": self.min_length},
            )

    def get_help_text(self):
        return f"Au moins {self.min_length} caractères pour un compte de l’équipe nationale."
