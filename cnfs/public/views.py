"""Trouver un conseiller numérique: the public map, its list, its data and each place."""

import gzip
from functools import lru_cache
from urllib.parse import urlencode

from csp.decorators import csp_replace
from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from cnfs.places import hours
from cnfs.places.enums import Access
from cnfs.places.models import PlaceAdvisor
from cnfs.public import queries
from cnfs.public.forms import MapSearchForm
from cnfs.territories.loading import DATA_DIR
from cnfs.territories.models import Departement, Region

PAGE_TITLE = "Trouver un conseiller numérique"
NEAREST = 20
PER_PAGE = 30
OUTLINES_MAX_AGE = 24 * 3600


def _territory(filters):
    """The territory an embedded map is limited to, as a (kind, name) pair, or None."""
    if filters.departement:
        name = Departement.objects.filter(pk=filters.departement).values_list("name", flat=True)
        return ("département", name.first() or filters.departement)
    if filters.region:
        name = Region.objects.filter(pk=filters.region).values_list("name", flat=True)
        return ("région", name.first() or filters.region)
    return None


def _results(request):
    """The search form, the filters and the list: what /carte/ and its embed share."""
    form = MapSearchForm(request.GET or None)
    filters = queries.MapFilters.from_query(request.GET)
    now = timezone.now()
    point = form.point() if request.GET else None
    page_obj = None
    if point is not None:
        places = queries.nearest(filters, point[0], point[1], world=point[3], limit=NEAREST, at=now)
    elif filters.open_now:
        places = queries.keep_open(queries.as_rows(queries.listing(filters)), filters, now)
        page_obj = Paginator(places, PER_PAGE).get_page(request.GET.get("page"))
        places = list(page_obj.object_list)
    else:
        page_obj = Paginator(queries.listing(filters), PER_PAGE).get_page(request.GET.get("page"))
        places = queries.as_rows(page_obj.object_list)
    access_labels = dict(Access.choices)
    for place in places:
        place["access_label"] = access_labels.get(place["access"], "")
        place["open"] = hours.is_open(
            place["opening_hours"], now, tz=hours.timezone_for(place["departement"])
        )
    params = [
        (key, value) for key, values in request.GET.lists() if key != "page" for value in values
    ]
    # The other communes of a postal code: the same search from each of them.
    kept = [(key, value) for key, value in params if key not in ("commune", "lat", "lon")]
    alternatives = [
        {"name": c.name, "query": urlencode([("commune", c.label), *kept])}
        for c in form.alternatives()
    ]
    return {
        "form": form,
        "filters": filters,
        "point": point,
        "places": places,
        "page_obj": page_obj,
        "page_query": urlencode(params),
        "alternatives": alternatives,
        "territory": _territory(filters),
        "map_config": {
            "data_url": reverse("public:data"),
            "outlines_url": reverse("public:outlines"),
            "place_url": reverse("public:place", args=[0]),
            "filters": urlencode(filters.as_params()),
            "tile_url": getattr(settings, "MAP_TILE_URL", ""),
            "tile_attribution": getattr(settings, "MAP_TILE_ATTRIBUTION", ""),
            "point": [point[0], point[1]] if point else None,
            "detail_zoom": queries.DETAIL_ZOOM,
        },
    }


@require_GET
def map_page(request):
    context = _results(request)
    context |= {
        "embed_url": request.build_absolute_uri(reverse("public:embed")),
        "page_title": PAGE_TITLE,
        "breadcrumb_data": {"links": [], "current": PAGE_TITLE},
    }
    return render(request, "public/map.html", context)


@require_GET
@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})
def embed(request):
    """The same list and map without the site's header and footer, for other sites."""
    context = _results(request)
    context["page_title"] = PAGE_TITLE
    return render(request, "public/map_embed.html", context)


@require_GET
def map_data(request):
    """GET ?bbox=minLon,minLat,maxLon,maxLat&zoom=…&services=…&itinerant=1&open_now=1"""
    bbox = queries.BBox.parse(request.GET.get("bbox", ""))
    if "bbox" in request.GET and bbox is None:
        return JsonResponse(
            {"detail": "bbox attendu : minLon,minLat,maxLon,maxLat (en degrés)."}, status=400
        )
    try:
        zoom = int(request.GET.get("zoom", "0"))
    except ValueError:
        zoom = 0
    filters = queries.MapFilters.from_query(request.GET)
    return JsonResponse(queries.map_data(filters, bbox, zoom))


@lru_cache(maxsize=1)
def _outlines() -> tuple[bytes, bytes]:
    raw = (DATA_DIR / "departements.geojson").read_bytes()
    return raw, gzip.compress(raw, mtime=0)


@require_GET
def outlines(request):
    """The simplified outlines of the départements: the map's base layer (no tile server)."""
    raw, compressed = _outlines()
    accepts_gzip = "gzip" in request.headers.get("Accept-Encoding", "")
    response = HttpResponse(
        compressed if accepts_gzip else raw, content_type="application/geo+json"
    )
    if accepts_gzip:
        response["Content-Encoding"] = "gzip"
    patch_vary_headers(response, ["Accept-Encoding"])
    patch_cache_control(response, public=True, max_age=OUTLINES_MAX_AGE)
    return response


def _advisor_name(user) -> str:
    initial = f" {user.last_name[:1].upper()}." if user.last_name else ""
    return f"{user.first_name}{initial}".strip()


@require_GET
def place_detail(request, pk):
    shown = PlaceAdvisor.objects.filter(shown_publicly=True).select_related("advisor")
    place = get_object_or_404(
        queries.public_places()
        .select_related("commune__departement")
        .prefetch_related(Prefetch("advisors", queryset=shown, to_attr="shown_advisors")),
        pk=pk,
    )
    departement = place.commune.departement_id
    advisors = sorted(_advisor_name(link.advisor) for link in place.shown_advisors)
    return render(
        request,
        "public/map_place.html",
        {
            "place": place,
            "hours_lines": hours.describe(place.opening_hours),
            "open_now": hours.is_open(
                place.opening_hours, timezone.now(), tz=hours.timezone_for(departement)
            ),
            "advisors": [name for name in advisors if name],
            "freshness": place.freshness_status(),
            "page_title": place.name,
            "breadcrumb_data": {
                "links": [{"url": reverse("public:map"), "title": PAGE_TITLE}],
                "current": place.name,
            },
        },
    )
