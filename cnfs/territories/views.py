from django.db.models import Count
from django.shortcuts import render

from cnfs.territories.models import Commune, Region


def commune_suggestions(request):
    """Options of the commune autocomplete (htmx fills the field's <datalist>)."""
    field = request.GET.get("field", "")
    query = request.GET.get(field, "") if field else request.GET.get("q", "")
    communes = Commune.objects.select_related("departement").search(query, limit=10)
    return render(request, "territories/commune_suggestions.html", {"communes": communes})


def index(request):
    regions = Region.objects.prefetch_related("departements").annotate(
        commune_count=Count("communes")
    )
    return render(
        request,
        "territories/index.html",
        {
            "regions": regions,
            "page_title": "Territoires",
            "breadcrumb_data": {"links": [], "current": "Territoires"},
        },
    )
