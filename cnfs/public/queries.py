"""The places of the public map ("Trouver un conseiller numérique", DOMAIN §6).

Shared by the map pages and the partners' API: which places are public, the filters, the
bounding-box data of the map and the nearest places of a point. Every function runs a fixed
number of SQL queries; "open now" depends on each place's clock, so it is evaluated in Python
over the rows the SQL filters already narrowed.
"""

import json
import math
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import connection
from django.db.models import Avg, Count, Exists, F, FloatField, OuterRef, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from cnfs.common import generations
from cnfs.places import hours
from cnfs.places.enums import Access, Service
from cnfs.places.models import Place, PlaceAdvisor
from cnfs.places.services import PLACES_TOPIC
from cnfs.territories.models import Departement, in_closed_world

EARTH_RADIUS_KM = 6371.0088
# Below this zoom level the map shows counts, unless the box holds few places.
DETAIL_ZOOM = 9
DETAIL_MAX_SPAN = 4.0  # degrees: a zoom-9 view of a large screen spans about 3
MAX_MAP_PLACES = 500
# The nearest places are picked among this many, ordered by a flat-earth approximation.
NEAREST_CANDIDATES = 500
# Counts are cached under the places' generation (a written place moves it on): the
# expiry is only a safety net.
COUNTS_CACHE_SECONDS = 3600
TRUE_VALUES = {"1", "true", "on", "oui"}
TERRITORY_CODE = re.compile(r"^(?:\d{2,3}|2[AB])$")
ROW_FIELDS = {
    "id": "id",
    "name": "name",
    "lat": "latitude",
    "lon": "longitude",
    "commune": "commune__name",
    "itinerant": "itinerant",
    "access": "access",
    "opening_hours": "opening_hours",
    "departement": "commune__departement_id",
    "appointment": "appointment_url",
}
PUBLIC_ROW_FIELDS = ("id", "name", "lat", "lon", "commune", "itinerant", "access", "appointment")
GROUP_FIELDS = (
    "commune__departement_id",
    "commune__departement__name",
    "commune__region_id",
    "commune__region__name",
)


@dataclass(frozen=True)
class MapFilters:
    services: tuple[str, ...] = ()
    itinerant: bool = False
    open_now: bool = False
    access: str = ""
    departement: str = ""
    region: str = ""

    @classmethod
    def from_query(cls, query) -> "MapFilters":
        """Read the filters from a QueryDict (unknown values are ignored)."""

        def code(name):
            value = (query.get(name) or "").strip().upper()
            return value if TERRITORY_CODE.match(value) else ""

        services = []
        for value in query.getlist("services"):
            if value in Service.values and value not in services:
                services.append(value)
        access = query.get("access") or ""
        return cls(
            services=tuple(services),
            itinerant=(query.get("itinerant") or "").lower() in TRUE_VALUES,
            open_now=(query.get("open_now") or "").lower() in TRUE_VALUES,
            access=access if access in Access.values else "",
            departement=code("departement"),
            region=code("region"),
        )

    def as_params(self) -> list[tuple[str, str]]:
        params = [("services", service) for service in self.services]
        params += [(name, "1") for name in ("itinerant", "open_now") if getattr(self, name)]
        params += [
            (name, getattr(self, name))
            for name in ("access", "departement", "region")
            if getattr(self, name)
        ]
        return params


@dataclass(frozen=True)
class BBox:
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float

    @property
    def span(self) -> float:
        return max(self.max_lon - self.min_lon, self.max_lat - self.min_lat)

    @classmethod
    def parse(cls, text: str) -> "BBox | None":
        """``minLon,minLat,maxLon,maxLat`` in degrees, or None when unreadable."""
        try:
            values = [float(part) for part in (text or "").split(",")]
        except ValueError:
            return None
        if len(values) != 4 or not all(math.isfinite(v) for v in values):
            return None
        min_lon, min_lat, max_lon, max_lat = values
        if min_lon > max_lon or min_lat > max_lat:
            return None
        return cls(
            max(min_lon, -180.0), max(min_lat, -90.0), min(max_lon, 180.0), min(max_lat, 90.0)
        )


def public_places():
    """The places anyone may see: shown on the map, active, and with at least one advisor."""
    return Place.objects.public().filter(Exists(PlaceAdvisor.objects.filter(place=OuterRef("pk"))))


def _has_service(queryset, service: str):
    if connection.features.supports_json_field_contains:
        return queryset.filter(services__contains=[service])
    # SQLite keeps the list as JSON text, with non-ASCII characters escaped as json.dumps does.
    return queryset.alias(services_text=Cast("services", TextField())).filter(
        services_text__contains=json.dumps(service)
    )


def filtered_places(filters: MapFilters, queryset=None):
    """The public places matching every filter SQL can evaluate (all but "open now")."""
    places = public_places() if queryset is None else queryset
    for service in filters.services:
        places = _has_service(places, service)
    if filters.itinerant:
        places = places.filter(itinerant=True)
    if filters.access:
        places = places.filter(access=filters.access)
    if filters.departement:
        places = places.filter(commune__departement_id=filters.departement)
    if filters.region:
        places = places.filter(commune__region_id=filters.region)
    return places


def in_bbox(places, bbox: BBox | None):
    if bbox is None:
        return places
    return places.filter(
        latitude__range=(bbox.min_lat, bbox.max_lat),
        longitude__range=(bbox.min_lon, bbox.max_lon),
    )


def rows(places) -> list[dict]:
    """Plain rows of ``places`` (keys of ROW_FIELDS), in one query."""
    return as_rows(places.values_list(*ROW_FIELDS.values()))


def as_rows(value_tuples) -> list[dict]:
    return [dict(zip(ROW_FIELDS, values, strict=True)) for values in value_tuples]


def is_open_now(row: dict, at: datetime) -> bool:
    return bool(hours.is_open(row["opening_hours"], at, tz=hours.timezone_for(row["departement"])))


def keep_open(place_rows: list[dict], filters: MapFilters, at: datetime | None) -> list[dict]:
    if not filters.open_now:
        return place_rows
    at = at or timezone.now()
    return [row for row in place_rows if is_open_now(row, at)]


def map_data(filters: MapFilters, bbox: BBox | None, zoom: int, *, at=None) -> dict:
    """What the map shows in ``bbox``: the places themselves when zoomed in (``zoom`` ≥
    DETAIL_ZOOM) or when the box holds at most MAX_MAP_PLACES places; otherwise the counts
    per département and per région (all of them). One query, three for uncached counts."""
    places = in_bbox(filtered_places(filters), bbox).order_by()
    # The zoom is the client's word: a detailed view also needs a box of a zoomed-in size.
    detailed = zoom >= DETAIL_ZOOM and bbox is not None and bbox.span <= DETAIL_MAX_SPAN
    found = rows(places if detailed else places[: MAX_MAP_PLACES + 1])
    if detailed or len(found) <= MAX_MAP_PLACES:
        found = keep_open(found, filters, at)
        return {
            "kind": "places",
            "places": [{key: row[key] for key in PUBLIC_ROW_FIELDS} for row in found],
        }
    return {"kind": "counts", **cached_territory_counts(filters, at=at)}


def cached_territory_counts(filters: MapFilters, *, at=None) -> dict:
    """The counts of every département and région (the map shows those in view): the same
    for everyone with the same filters, so cached until a place is written ("open now":
    one minute)."""
    at = at or timezone.now()
    key = generations.key(PLACES_TOPIC, "public-map-counts", urlencode(filters.as_params()))
    if filters.open_now:
        key += at.strftime(":%Y%m%d%H%M")
    counts = cache.get(key)
    if counts is None:
        counts = territory_counts(filtered_places(filters), filters, at=at)
        cache.set(key, counts, 60 if filters.open_now else COUNTS_CACHE_SECONDS)
    return counts


def territory_counts(places, filters: MapFilters, *, at=None) -> dict:
    """Places per département and per région, each with the mean point of its places."""
    if filters.open_now:
        groups = _count_open(places, at or timezone.now())
    else:
        # Grouped on the one key (a hash aggregate), the names read after: sorting 20,000
        # rows on four text columns took longer than reading every place's point.
        grouped = (
            places.values_list("commune__departement_id")
            .annotate(count=Count("id"), lat=Avg("latitude"), lon=Avg("longitude"))
            .order_by()
        )
        names = {
            code: (name, region_code, region_name)
            for code, name, region_code, region_name in Departement.objects.values_list(
                "code", "name", "region_id", "region__name"
            )
        }
        keys = ("code", "name", "region_code", "region_name", "count", "lat", "lon")
        groups = [
            dict(zip(keys, (code, *names[code], count, lat, lon), strict=True))
            for code, count, lat, lon in sorted(grouped)
        ]
    regions = {}
    for group in groups:
        region = regions.setdefault(
            group["region_code"],
            {
                "code": group["region_code"],
                "name": group["region_name"],
                "count": 0,
                "lat": 0.0,
                "lon": 0.0,
            },
        )
        region["count"] += group["count"]
        region["lat"] += group["lat"] * group["count"]
        region["lon"] += group["lon"] * group["count"]
    for region in regions.values():
        region["lat"] /= region["count"]
        region["lon"] /= region["count"]
    departements = [
        {key: group[key] for key in ("code", "name", "count", "lat", "lon")} for group in groups
    ]
    return {
        "departements": departements,
        "regions": sorted(regions.values(), key=lambda r: r["code"]),
    }


def _count_open(places, at: datetime) -> list[dict]:
    groups = {}
    fields = ("opening_hours", "latitude", "longitude", *GROUP_FIELDS)
    for opening, lat, lon, code, name, region_code, region_name in places.values_list(*fields):
        if not hours.is_open(opening, at, tz=hours.timezone_for(code)):
            continue
        group = groups.setdefault(
            code,
            {
                "code": code,
                "name": name,
                "region_code": region_code,
                "region_name": region_name,
                "count": 0,
                "lat": 0.0,
                "lon": 0.0,
            },
        )
        group["count"] += 1
        group["lat"] += lat
        group["lon"] += lon
    for group in groups.values():
        group["lat"] /= group["count"]
        group["lon"] /= group["count"]
    return [groups[code] for code in sorted(groups)]


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def nearest(filters: MapFilters, lat: float, lon: float, *, world: str, limit: int = 20, at=None):
    """The ``limit`` places nearest to (lat, lon) in the closed world ``world`` (DOMAIN §4.2:
    '' mainland France with Corsica, else one overseas territory), each row with its
    ``distance_km``, nearest first. SQL orders by a flat-earth approximation (plain
    arithmetic, on every database) and keeps NEAREST_CANDIDATES rows; Python then sorts them
    by great-circle distance."""
    squeeze = math.cos(math.radians(lat)) ** 2
    approx = (F("latitude") - lat) * (F("latitude") - lat) + (F("longitude") - lon) * (
        F("longitude") - lon
    ) * squeeze
    places = (
        filtered_places(filters)
        .filter(in_closed_world(world, prefix="commune__"))
        .alias(approx=Cast(approx, FloatField()))
        .order_by("approx", "pk")[:NEAREST_CANDIDATES]
    )
    found = keep_open(rows(places), filters, at)
    for row in found:
        row["distance_km"] = great_circle_km(lat, lon, row["lat"], row["lon"])
    found.sort(key=lambda row: (row["distance_km"], row["id"]))
    return found[:limit]


def listing(filters: MapFilters):
    """The public places matching the SQL filters, by département and name, as a lazy
    query of value tuples (paginate it, then pass a page to ``as_rows``)."""
    places = filtered_places(filters).order_by("commune__departement_id", "name", "pk")
    return places.values_list(*ROW_FIELDS.values())
