from django.contrib.auth.backends import ModelBackend

from cnfs.accounts.models import User


class EmailBackend(ModelBackend):
    """Log in with the e-mail address, whatever its case."""

    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        email = (email or username or "").strip().lower()
        if not email or password is None:
            return None
        try:
            user = User.objects.get(email=email)
        except User.DoesNotExist:
            User().set_password(password)  # same time spent whether the account exists or not
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id):
        """The session's person with his or her roles, which every request reads (the
        active role, and the session hash that says whether a second factor is due)."""
        user = User._default_manager.prefetch_related("roles").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
