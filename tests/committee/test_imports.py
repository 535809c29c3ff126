import io
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cnfs.committee import services
from cnfs.committee.enums import Decision
from cnfs.committee.imports import MAX_BYTES, MAX_ROWS, import_minutes
from cnfs.committee.models import AgendaItem
from cnfs.common.models import AuditEntry
from cnfs.structures.enums import RequestKind
from tests import factories
from tests.committee.helpers import application, on_agenda, set_cap

HEADER = "siret;decision;postes;prioritaire;observation\n"


@pytest.fixture
def session(national):
    return services.create_session(session_date=date(2021, 3, 24), by=national)


@pytest.fixture
def items(session):
    """Three applications on the agenda: 3, 1 and 2 posts requested."""
    return [on_agenda(session, posts=posts) for posts in (3, 1, 2)]


def csv_file(*lines, header=HEADER, encoding="utf-8"):
    return io.BytesIO((header + "".join(line + "\n" for line in lines)).encode(encoding))


def siret(item):
    return item.request.structure.siret


def decisions(items):
    return [
        AgendaItem.objects.values_list("decision", "posts", "priority", "observation").get(
            pk=item.pk
        )
        for item in items
    ]


def valid_lines(items):
    a, b, c = items
    return [
        f"{siret(a)};accorde;2;oui;Territoire rural",
        f"{siret(b)};Refus;;non;Besoin couvert",
        f'{siret(c)};Examen complémentaire;;;"À préciser; plan de financement"',
    ]


UNDECIDED = [("", None, False, "")] * 3


class TestValidFile:
    def test_a_valid_file_decides_every_item(self, session, items, national):
        report = import_minutes(session, csv_file(*valid_lines(items)), by=national)
        assert report.ok, report.errors
        assert (report.changed, report.unchanged) == (3, 0)
        assert decisions(items) == [
            (Decision.GRANTED, 2, True, "Territoire rural"),
            (Decision.REFUSED, None, False, "Besoin couvert"),
            (Decision.COMPLEMENTARY_REVIEW, None, False, "À préciser; plan de financement"),
        ]
        # Recorded, not applied: the structures change when the session closes.
        items[0].request.structure.refresh_from_db()
        assert items[0].request.structure.granted_posts == 0

    def test_reimporting_the_same_file_changes_nothing(self, session, items, national):
        import_minutes(session, csv_file(*valid_lines(items)), by=national)
        before = list(AgendaItem.objects.order_by("pk").values())
        journal = AuditEntry.objects.count()
        report = import_minutes(session, csv_file(*valid_lines(items)), by=national)
        assert report.ok
        assert (report.changed, report.unchanged) == (0, 3)
        assert list(AgendaItem.objects.order_by("pk").values()) == before
        assert AuditEntry.objects.count() == journal

    def test_a_corrected_file_changes_only_the_rows_that_differ(self, session, items, national):
        import_minutes(session, csv_file(*valid_lines(items)), by=national)
        lines = valid_lines(items)
        lines[0] = f"{siret(items[0])};accorde;3;oui;Territoire rural"
        report = import_minutes(session, csv_file(*lines), by=national)
        assert (report.changed, report.unchanged) == (1, 2)
        assert decisions(items)[0] == (Decision.GRANTED, 3, True, "Territoire rural")

    def test_spreadsheet_variants_are_accepted(self, session, items, national):
        a, b, c = items
        content = csv_file(
            f"{siret(a)[:3]} {siret(a)[3:]},Postes accordés,1,OUI,",
            f"{siret(b)},REFUSÉ,,Non,Éloigné",
            "",
            f"{siret(c)},examen_complementaire,,,",
            header="SIRET,Décision,Postes,Prioritaire,Observation\n",
            encoding="cp1252",
        )
        report = import_minutes(session, content, by=national)
        assert report.ok, report.errors
        assert [d[:3] for d in decisions(items)] == [
            (Decision.GRANTED, 1, True),
            (Decision.REFUSED, None, False),
            (Decision.COMPLEMENTARY_REVIEW, None, False),
        ]
        assert decisions(items)[1][3] == "Éloigné"

    def test_a_giveback_needs_no_posts(self, session, national):
        structure = factories.StructureFactory(validated=True, granted_posts=3)
        giveback = factories.PostRequestFactory(
            structure=structure, kind=RequestKind.GIVEBACK, posts=1
        )
        item = on_agenda(session, giveback)
        report = import_minutes(session, csv_file(f"{structure.siret};accorde;;;"), by=national)
        assert report.ok, report.errors
        assert decisions([item]) == [(Decision.GRANTED, 1, False, "")]


class TestRejectedFile:
    @pytest.mark.parametrize(
        ("bad_line", "message"),
        [
            ("123;refus;;;", "ligne 4 : SIRET 123 invalide. Le SIRET compte 14 chiffres"),
            ("12345678901234;refus;;;", "ligne 4 : SIRET 12345678901234 invalide."),
            ("{siret};peut-être;;;", "ligne 4 : décision « peut-être » inconnue"),
            ("{siret};;;;", "ligne 4 : décision manquante."),
            ("{siret};accorde;;;", "ligne 4 : nombre de postes manquant pour une attribution."),
            ("{siret};accorde;deux;;", "ligne 4 : nombre de postes « deux » non numérique."),
            ("{siret};accorde;0;;", "ligne 4 : une attribution porte sur au moins 1 poste."),
            ("{siret};refus;;peut-être;", "ligne 4 : prioritaire « peut-être » : répondez oui"),
            ("{other};refus;;;", "ligne 4 : aucune demande de la structure de SIRET"),
            ("{first};refus;;;", "déjà présent ligne 2."),
        ],
    )
    def test_one_bad_row_rejects_the_whole_file(self, session, items, national, bad_line, message):
        other = application().structure.siret  # applied, but not on this agenda
        lines = valid_lines(items)
        lines[2] = bad_line.format(siret=siret(items[2]), other=other, first=siret(items[0]))
        report = import_minutes(session, csv_file(*lines), by=national)
        assert not report.ok
        assert any(message in error for error in report.errors), report.errors
        assert decisions(items) == UNDECIDED

    def test_every_bad_row_is_reported(self, session, items, national):
        report = import_minutes(
            session,
            csv_file(f"{siret(items[0])};accorde;;;", "123;refus;;;", "x;y;z;;"),
            by=national,
        )
        lines = [error.split(" :")[0] for error in report.errors]
        assert lines == ["ligne 2", "ligne 3", "ligne 4"]
        assert decisions(items) == UNDECIDED

    def test_a_siret_twice_on_the_agenda_is_ambiguous(self, session, items, national):
        twin = factories.StructureFactory(siret=siret(items[0]))
        on_agenda(session, factories.PostRequestFactory(structure=twin))
        report = import_minutes(session, csv_file(f"{siret(items[0])};refus;;;"), by=national)
        assert "ligne 2 : 2 demandes de structures de SIRET" in report.errors[0]
        assert decisions(items) == UNDECIDED

    def test_unknown_and_missing_columns(self, session, items, national):
        report = import_minutes(
            session, csv_file(f"{siret(items[0])};2", header="siret;nombre\n"), by=national
        )
        assert report.errors[:2] == [
            "ligne 1 : colonne(s) inconnue(s) : nombre.",
            "ligne 1 : colonne(s) manquante(s) : decision, postes.",
        ]

    def test_a_cap_refusal_on_a_late_row_undoes_the_earlier_rows(self, session, national):
        set_cap(4)
        items = [on_agenda(session, posts=2) for _ in range(3)]
        lines = [f"{siret(item)};accorde;2;;" for item in items]
        report = import_minutes(session, csv_file(*lines), by=national)
        assert len(report.errors) == 1
        assert report.errors[0].startswith("ligne 4 : Refusé : ")
        assert "au-delà du plafond de 4" in report.errors[0]
        assert decisions(items) == UNDECIDED

    def test_a_closed_session_takes_no_import(self, session, items, national):
        services.close_session(session, by=national)
        report = import_minutes(session, csv_file(*valid_lines(items)), by=national)
        assert report.errors == ["La session est clôturée : ses décisions ne changent plus."]

    def test_too_many_rows(self, session, items, national):
        lines = [f"{siret(items[0])};refus;;;"] * (MAX_ROWS + 1)
        report = import_minutes(session, csv_file(*lines), by=national)
        assert report.errors == ["Le fichier compte plus de 2000 lignes : découpez-le."]

    def test_too_big(self, session, items, national):
        content = io.BytesIO(HEADER.encode() + b" " * MAX_BYTES)
        report = import_minutes(session, content, by=national)
        assert report.errors == ["Le fichier dépasse la taille maximale de 2 Mo."]

    def test_only_the_national_team_imports(self, session, items, owner):
        with pytest.raises(PermissionDenied):
            import_minutes(session, csv_file(*valid_lines(items)), by=owner)


class TestImportPage:
    def url(self, session):
        return reverse("committee:import", args=[session.number])

    def upload(self, client, session, content: bytes, name="pv.csv"):
        return client.post(
            self.url(session), {"file": SimpleUploadedFile(name, content, "text/csv")}
        )

    def test_a_valid_upload_decides_and_says_so(self, client, national, session, items):
        client.force_login(national)
        content = csv_file(*valid_lines(items)).getvalue()
        response = self.upload(client, session, content)
        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()
        assert "3 décision(s) enregistrée(s) ou modifiée(s), 0 inchangée(s)" in page
        response = self.upload(client, session, content)
        page = client.get(response["Location"]).content.decode()
        assert "0 décision(s) enregistrée(s) ou modifiée(s), 3 inchangée(s)" in page

    def test_a_bad_upload_lists_the_errors_and_changes_nothing(
        self, client, national, session, items
    ):
        client.force_login(national)
        lines = valid_lines(items)
        lines[1] = f"{siret(items[1])};accorde;deux;;"
        response = self.upload(client, session, csv_file(*lines).getvalue())
        page = response.content.decode()
        assert response.status_code == 200
        assert "Fichier refusé : rien n’a été importé" in page
        assert "ligne 3 : nombre de postes « deux » non numérique." in page
        assert decisions(items) == UNDECIDED

    def test_a_nul_byte_is_refused_and_changes_nothing(self, client, national, session, items):
        # PostgreSQL stores no NUL in a text column: the file is refused before any row is read.
        client.force_login(national)
        lines = valid_lines(items)
        lines[0] = lines[0].replace("Territoire rural", "Territoire\x00rural")
        entries = AuditEntry.objects.count()
        response = self.upload(client, session, csv_file(*lines).getvalue())
        assert response.status_code == 200
        assert "Le fichier contient un caractère nul" in response.content.decode()
        assert decisions(items) == UNDECIDED and AuditEntry.objects.count() == entries

    def test_an_oversize_upload_is_refused(self, client, national, session, items):
        client.force_login(national)
        response = self.upload(client, session, HEADER.encode() + b" " * MAX_BYTES)
        assert "la taille maximale est 2 Mo" in response.content.decode()
        assert decisions(items) == UNDECIDED

    def test_a_prefecture_cannot_import(self, client, outsider, session, items):
        client.force_login(outsider)
        content = csv_file(*valid_lines(items)).getvalue()
        assert self.upload(client, session, content).status_code == 403
        assert decisions(items) == UNDECIDED
