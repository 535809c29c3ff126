from django.shortcuts import render
from django.urls import reverse

from cnfs.partners.auth import HEADER, rate_limits
from cnfs.partners.enums import Scope


def docs(request):
    """How partners use the API: keys, scopes, rate limits, examples."""
    limits = rate_limits()
    context = {
        "page_title": "API pour les partenaires",
        "breadcrumb_data": {"links": [], "current": "API pour les partenaires"},
        "header": HEADER,
        "scopes": Scope.choices,
        "key_limit": limits["key"],
        "anonymous_limit": limits["anonymous"],
        "base_url": request.build_absolute_uri(
            reverse("api:openapi-json").removesuffix("openapi.json") + "partners"
        ),
    }
    return render(request, "partners/docs.html", context)
