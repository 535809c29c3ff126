from django.db.models import prefetch_related_objects

from cnfs.accounts.scope import SESSION_KEY, resolve_active_role


class ActiveRoleMiddleware:
    """Attach ``request.user.active_role`` (the role chosen in the session, else the first)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            prefetch_related_objects([user], "roles")
            user.active_role = resolve_active_role(user, request.session.get(SESSION_KEY))
        return self.get_response(request)
