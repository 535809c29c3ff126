"""The territory follow-up table, as shown on the page and exported as CSV."""

from datetime import date

from django.http import HttpResponse

from cnfs.common.money import euros
from cnfs.common.web import csv_amount, csv_response
from cnfs.followup.figures import TerritoryFigures
from cnfs.structures.enums import StructureStatus as S

# The page groups the statuses of an application in four columns; the CSV gives each one.
STATUS_GROUPS = [
    ("En instruction", (S.SUBMITTED, S.COMPLEMENTARY_REVIEW)),
    ("Validées", (S.VALIDATED,)),
    ("Refusées", (S.REFUSED,)),
    ("Abandonnées, annulées ou doublons", (S.ABANDONED, S.CANCELLED, S.DUPLICATE)),
]


def table_row(figures: TerritoryFigures, *, url: str = "") -> dict:
    return {
        "code": figures.code,
        "name": figures.name,
        "url": url,
        "applications": figures.applications_total,
        "groups": [
            sum(figures.applications.get(status, 0) for status in statuses)
            for _, statuses in STATUS_GROUPS
        ],
        "structures": figures.structures,
        "posts": figures.posts_granted,
        "committed": euros(figures.committed_cents),
        "paid": euros(figures.paid_cents),
    }


CSV_HEADER = [
    "Niveau",
    "Code",
    "Nom",
    "Région",
    *[status.label for status in S],
    "Candidatures",
    "Structures avec postes",
    "Postes attribués",
    "Subventions engagées (€)",
    "Subventions versées (€)",
]


def _csv_line(level: str, figures: TerritoryFigures, region_name: str) -> list:
    return [
        level,
        figures.code,
        figures.name,
        region_name,
        *[figures.applications.get(status.value, 0) for status in S],
        figures.applications_total,
        figures.structures,
        figures.posts_granted,
        csv_amount(figures.committed_cents),
        csv_amount(figures.paid_cents),
    ]


def figures_csv(departements, regions, grand_total) -> HttpResponse:
    """The follow-up table as CSV for a spreadsheet."""
    region_names = {region.code: region.name for region in regions}
    rows = [
        *(
            _csv_line("Département", row, region_names.get(row.region_code, ""))
            for row in departements
        ),
        *(_csv_line("Région", region, region.name) for region in regions),
        _csv_line("Total", grand_total, ""),
    ]
    return csv_response(f"suivi-territoires-{date.today():%Y-%m-%d}.csv", CSV_HEADER, rows)
