import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cnfs.activity import imports
from cnfs.activity.models import AdvisorDay, Report

HEADER = (
    "date;type;lieu;lieu_id;participants;age_plus_60;age_18_35;statut_retraite;"
    "statut_en_emploi;themes;duree;reorientations;aidants_connect;cle"
)


def csv_file(advisor, *rows):
    place = advisor.main_place.pk
    lines = [HEADER] + [row.format(place=place) for row in rows]
    return io.BytesIO(("\n".join(lines) + "\n").encode())


GOOD = [
    "15/06/2021;individuel;lieu_activite;{place};1;1;;1;;email|procedures;30_60;;non;r1",
    "16/06/2021;atelier;distance;;4;2;2;2;2;smartphone;90;caf:1;oui;r2",
    "2021-06-17;ponctuel;distance;;1;1;;1;;health;moins_30;;;r3",
]


def test_a_valid_file_is_imported(advisor):
    result = imports.import_reports(csv_file(advisor, *GOOD), advisor=advisor)
    assert result.ok and result.created == 3
    workshop = Report.objects.get(kind="workshop")
    assert workshop.minutes == 90 and workshop.redirections == {"caf": 1}
    assert workshop.aidants_connect and AdvisorDay.objects.count() == 3


def test_the_same_file_twice_is_imported_once(advisor):
    imports.import_reports(csv_file(advisor, *GOOD), advisor=advisor)
    result = imports.import_reports(csv_file(advisor, *GOOD), advisor=advisor)
    assert (result.created, result.existing) == (0, 3) and Report.objects.count() == 3


def test_bad_rows_are_named_and_nothing_is_imported(advisor):
    rows = [
        GOOD[0],
        "16/06/2021;individuel;distance;;3;3;;3;;email;30_60;;non;r2",
        "32/13/2021;individuel;distance;;1;1;;1;;email;30_60;;non;r3",
        "17/06/2021;individuel;distance;;1;1;;1;;email;50;;non;r4",
    ]
    result = imports.import_reports(csv_file(advisor, *rows), advisor=advisor)
    assert not result.ok and not Report.objects.exists()
    assert result.errors == ["ligne 4 : date : saisissez une date au format JJ/MM/AAAA."]
    del rows[2]
    result = imports.import_reports(csv_file(advisor, *rows), advisor=advisor)
    assert result.errors[0].startswith("ligne 3 : participants : Un accompagnement individuel")
    assert result.errors[-1].startswith("ligne 4 : duree : La durée se saisit par pas de 15")
    assert not Report.objects.exists()


def test_unknown_and_missing_columns(advisor):
    result = imports.import_reports(io.BytesIO(b"date;genre\n"), advisor=advisor)
    assert "colonne(s) inconnue(s) : genre" in result.errors[0]
    assert "colonne(s) manquante(s) : type, lieu" in result.errors[1]


def test_size_and_row_limits(advisor, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 2)
    result = imports.import_reports(csv_file(advisor, *GOOD), advisor=advisor)
    assert result.errors == ["Le fichier dépasse 2 lignes : découpez-le."]
    monkeypatch.setattr(imports, "MAX_BYTES", 100)
    result = imports.import_reports(csv_file(advisor, *GOOD), advisor=advisor)
    assert result.errors == ["Le fichier dépasse la taille maximale de 2 Mo."]


def test_import_page(client, advisor):
    client.force_login(advisor)
    url = reverse("activity:import")
    assert client.get(url).status_code == 200
    upload = SimpleUploadedFile("cra.csv", csv_file(advisor, *GOOD).getvalue())
    response = client.post(url, {"file": upload})
    assert response.url == reverse("activity:history") and Report.objects.count() == 3
    bad = SimpleUploadedFile(
        "cra.csv",
        csv_file(
            advisor, GOOD[0].replace("email|", "").replace("procedures", "").replace("r1", "r9")
        ).getvalue(),
    )
    response = client.post(url, {"file": bad})
    assert response.status_code == 200
    assert "ligne 2 : themes : Choisissez au moins un thème." in response.content.decode()


def test_import_page_is_for_advisors(client, manager):
    client.force_login(manager)
    assert client.get(reverse("activity:import")).status_code == 403


def test_a_nul_byte_is_refused_at_the_field_and_nothing_is_imported(client, advisor):
    # PostgreSQL stores no NUL in a text column: the file is refused before any row is read.
    client.force_login(advisor)
    rows = [GOOD[0], GOOD[1].replace("r2", "r\x002")]
    upload = SimpleUploadedFile("cra.csv", csv_file(advisor, *rows).getvalue())
    response = client.post(reverse("activity:import"), {"file": upload})
    assert response.status_code == 200
    assert "Le fichier contient un caractère nul" in response.content.decode()
    assert not Report.objects.exists() and not AdvisorDay.objects.exists()
