from datetime import UTC, timedelta

from django.conf import settings
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token

from cnfs.common.health import run_checks


def page(template: str, title: str, extra: dict | None = None):
    """A static content page with its breadcrumb (and ``extra`` values to show)."""

    def view(request):
        context = {"page_title": title, "breadcrumb_data": {"links": [], "current": title}}
        context.update(extra or {})
        return render(request, template, context)

    view.__name__ = template.rsplit("/", 1)[-1].removesuffix(".html")
    return view


def home(request):
    return render(request, "web/home.html")


API_PREFIX = "/api/"
API_MESSAGES = {
    400: "Requête illisible.",
    403: "Accès refusé.",
    404: "Introuvable (ou hors de votre périmètre).",
    500: "Erreur interne : l’équipe technique est prévenue. Réessayez plus tard.",
}


def _api_error(request, status: int):
    """Under /api/, errors Django answers itself (an address no route matches…) are JSON,
    in the API's shape, like the API's own."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": API_MESSAGES[status]}, status=status)
    return None


def _error(request, status: int, title: str, message: str):
    api_error = _api_error(request, status)
    if api_error is not None:
        return api_error
    response = render(
        request,
        "web/error.html",
        {"page_title": title, "status": status, "message": message},
        status=status,
    )
    response.project_page = True  # not replaced in development (cnfs.web.middleware)
    return response


def permission_denied(request, exception=None):
    return _error(
        request,
        403,
        "Accès refusé",
        "Votre rôle actif ne vous permet pas d’accéder à cette page. Si vous détenez un autre "
        "rôle, changez de rôle depuis votre espace.",
    )


def page_not_found(request, exception=None):
    return _error(
        request,
        404,
        "Page non trouvée",
        "La page que vous cherchez est introuvable, ou vous n’avez pas accès à son contenu. "
        "Vérifiez l’adresse, ou revenez à l’accueil.",
    )


@requires_csrf_token
def server_error(request):
    api_error = _api_error(request, 500)
    if api_error is not None:
        return api_error
    # Rendered without context processors: the error may come from the database itself.
    response = HttpResponseServerError(loader.get_template("500.html").render())
    response.project_page = True
    return response


def bad_request(request, exception=None):
    api_error = _api_error(request, 400)
    if api_error is not None:
        return api_error
    return _error(
        request, 400, "Requête incorrecte", "Le navigateur a envoyé une requête illisible."
    )


SECURITY_TXT_VALIDITY = timedelta(days=180)


def security_txt(request):
    """RFC 9116: whom to tell of a vulnerability. ``Expires`` is computed at each request,
    less than a year ahead as the RFC advises, so the file never goes stale."""
    expires = (timezone.now() + SECURITY_TXT_VALIDITY).replace(microsecond=0)
    lines = [
        f"Contact: {settings.SECURITY_CONTACT}",
        f"Expires: {expires.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}",
        "Preferred-Languages: fr, en",
        f"Canonical: {settings.SITE_URL}{reverse('security_txt')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@never_cache
def healthz(request):
    """For the load balancer: the database (and replica), the cache and the task queue's
    lag; 503 as soon as one check fails, with what failed."""
    healthy, checks = run_checks()
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks},
        status=200 if healthy else 503,
    )
