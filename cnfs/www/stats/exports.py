"""The statistics as tables: key figures, breakdowns, months, parts (CSV and XLSX)."""

from dataclasses import dataclass
from io import BytesIO

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.dateformat import format as format_date
from openpyxl import Workbook
from openpyxl.styles import Font

from cnfs.common import csvexport
from cnfs.common.csvexport import Verbatim, csv_response
from cnfs.stats.indicators import Indicators, Table

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Sheet:
    title: str
    header: list[str]
    rows: list[list]


def key_figures(ind: Indicators) -> list[tuple[str, int | float | None]]:
    return [
        ("Accompagnements", ind.accompaniments),
        ("Ateliers collectifs", ind.workshops),
        ("Participants aux ateliers", ind.workshop_participants),
        ("Accompagnements individuels", ind.individual),
        ("Demandes ponctuelles", ind.one_off),
        ("Personnes touchées", ind.people_reached),
        ("Personnes déjà accompagnées", ind.returning),
        ("Personnes uniques", ind.unique_people),
        ("Suites données (suivi individuel, en atelier, réorientations)", ind.followups),
        ("Taux de suivi (%)", ind.followup_rate),
        ("Temps total (heures)", ind.total_hours),
        ("Démarches faites avec Aidants Connect", ind.aidants_connect),
    ]


def month_label(month) -> str:
    return format_date(month, "F Y")


def sheets(ind: Indicators, table: Table | None) -> list[Sheet]:
    def shares(title, first, unit, items):
        return Sheet(
            title, [first, unit, "Part (%)"], [[s.label, s.count, s.percent] for s in items]
        )

    result = [
        Sheet("Chiffres clés", ["Indicateur", "Valeur"], [list(f) for f in key_figures(ind)]),
        shares("Thèmes", "Thème", "Accompagnements", ind.themes),
        shares("Lieux", "Lieu", "Accompagnements", ind.channels),
        shares("Durées", "Durée", "Accompagnements", ind.durations),
        shares("Âges", "Tranche d’âge", "Personnes", ind.ages),
        shares("Statuts", "Statut", "Personnes", ind.statuses),
        shares("Réorientations", "Organisme", "Personnes", ind.redirections),
        Sheet(
            "Évolution mensuelle",
            ["Mois", "Accompagnements", "Personnes touchées"],
            [[month_label(m.month), m.accompaniments, m.people_reached] for m in ind.months],
        ),
    ]
    if table is not None:
        result.append(
            Sheet(
                table.title,
                [
                    table.first_column,
                    "Accompagnements",
                    "Personnes touchées",
                    "Personnes uniques",
                    "Taux de suivi (%)",
                    "Temps total (heures)",
                ],
                [
                    [
                        r.label,
                        r.accompaniments,
                        r.people_reached,
                        r.unique_people,
                        r.followup_rate,
                        r.hours,
                    ]
                    for r in table.rows
                ],
            )
        )
    return result


def _csv_value(value):
    if isinstance(value, float):
        return Verbatim(f"{value:.1f}".replace(".", ","))
    return value


def csv_export(filename: str, title: list[str], parts: list[Sheet]) -> StreamingHttpResponse:
    """One CSV a French spreadsheet opens as is (``;``, UTF-8 with a BOM): a block per
    table, each with its title and header, separated by an empty line."""

    def rows():
        yield title
        for sheet in parts:
            yield []
            yield [sheet.title]
            yield sheet.header
            for row in sheet.rows:
                yield [_csv_value(v) for v in row]

    return csv_response(filename, None, rows())


def xlsx_export(filename: str, title: list[str], parts: list[Sheet]) -> HttpResponse:
    """A workbook: one sheet per table, the scope and period on top of each."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for sheet in parts:
        worksheet = workbook.create_sheet(sheet.title[:31])
        worksheet.append(title)
        worksheet.append([])
        worksheet.append(sheet.header)
        for cell in worksheet[3]:
            cell.font = bold
        for row in sheet.rows:
            # A text starting with "=" would be stored as a formula.
            worksheet.append([csvexport.cell(value) for value in row])
        worksheet.column_dimensions["A"].width = 48
    out = BytesIO()
    workbook.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
