"""Small permission functions. Wrong role: 403. Outside one's scope: 404 (scoped querysets)."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from cnfs.accounts.enums import Role
from cnfs.accounts.scope import active_role


def has_active_role(user, *kinds) -> bool:
    role = active_role(user)
    return role is not None and role.kind in kinds


def can_use_admin(user) -> bool:
    return user.is_authenticated and user.is_active and has_active_role(user, Role.NATIONAL)


def role_required(*kinds):
    """View decorator: log in first, then the active role must be one of ``kinds``."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_active_role(request.user, *kinds):
                raise PermissionDenied("Votre rôle actif ne donne pas accès à cette page.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
