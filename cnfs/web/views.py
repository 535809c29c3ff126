from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token


def page(template: str, title: str):
    """A static content page with its breadcrumb."""

    def view(request):
        context = {"page_title": title, "breadcrumb_data": {"links": [], "current": title}}
        return render(request, template, context)

    view.__name__ = template.rsplit("/", 1)[-1].removesuffix(".html")
    return view


def home(request):
    return render(request, "web/home.html")


def _error(request, status: int, title: str, message: str):
    return render(
        request,
        "web/error.html",
        {"page_title": title, "status": status, "message": message},
        status=status,
    )


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
    # Rendered without context processors: the error may come from the database itself.
    return HttpResponseServerError(loader.get_template("500.html").render())
