"""What a CV may contain: a readable PDF, nothing that runs (checked at the field)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from cnfs.candidates.models import Candidate
from tests.candidates.conftest import PDF, raw_pdf

APPLY_URL = "/candidats/inscription/"
NOT_PDF = "Le CV doit être un document PDF."
UNREADABLE = "Le CV n’est pas un PDF lisible"
ACTIVE = "Le CV contient du contenu actif"


def written(build) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    build(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def cv_errors(client, application_data, content: bytes) -> list[str]:
    upload = SimpleUploadedFile("cv.pdf", content, content_type="application/pdf")
    response = client.post(APPLY_URL, {**application_data, "cv": upload})
    if response.status_code == 302:
        return []
    return [str(error) for error in response.context["form"].errors.get("cv", [])]


def test_a_plain_pdf_is_accepted(client, application_data):
    assert cv_errors(client, application_data, PDF) == []
    assert Candidate.objects.get().cv


def test_a_pdf_with_binary_streams_is_accepted(client, application_data):
    # Compressed streams and images hold any byte, NUL included: that is no reason to refuse.
    binary = raw_pdf(b"<< /Length 6 >>\nstream\n\x00\x01\x02\xff\x00\x9c\nendstream")
    assert cv_errors(client, application_data, binary) == []


def test_a_pdf_written_by_a_library_is_accepted(client, application_data):
    assert cv_errors(client, application_data, written(lambda writer: None)) == []


def test_an_html_file_mentioning_pdf_in_its_first_bytes_is_refused(client, application_data):
    html = b"<html><!-- %PDF-1.4 --><script>alert(document.cookie)</script></html>"
    assert cv_errors(client, application_data, html) == [NOT_PDF]
    assert not Candidate.objects.exists()


@pytest.mark.parametrize(
    "content",
    [b"%PDF-1.4\n<script>alert(1)</script>\n", PDF[:60]],
    ids=["header-only", "truncated"],
)
def test_a_file_that_does_not_parse_is_refused(client, application_data, content):
    errors = cv_errors(client, application_data, content)
    assert len(errors) == 1 and errors[0].startswith(UNREADABLE)
    assert not Candidate.objects.exists()


ACTIVE_PDFS = {
    "open-action-javascript": raw_pdf(
        b"<< /Type /Action /S /JavaScript /JS (app.alert(1)) >>", catalog=b"/OpenAction 4 0 R"
    ),
    "escaped-names": raw_pdf(
        b"<< /S /Java#53cript /J#53 (app.alert(1)) >>", catalog=b"/OpenAction 4 0 R"
    ),
    "document-javascript": raw_pdf(
        b"<< /Names [(x) 5 0 R] >>",
        b"<< /S /JavaScript /JS (app.alert(1)) >>",
        catalog=b"/Names << /JavaScript 4 0 R >>",
    ),
    "additional-action-launch": raw_pdf(
        b"<< /O << /S /Launch /F (calc.exe) >> >>", catalog=b"/AA 4 0 R"
    ),
    "open-action-launch": raw_pdf(
        b"<< /S /Launch /Win << /F (cmd.exe) >> >>", catalog=b"/OpenAction 4 0 R"
    ),
    "embedded-file": written(lambda writer: writer.add_attachment("x.exe", b"MZ")),
}


@pytest.mark.parametrize("content", ACTIVE_PDFS.values(), ids=ACTIVE_PDFS.keys())
def test_a_pdf_with_active_content_is_refused(client, application_data, content):
    errors = cv_errors(client, application_data, content)
    assert len(errors) == 1 and errors[0].startswith(ACTIVE)
    assert not Candidate.objects.exists()


def test_a_password_protected_pdf_is_refused(client, application_data):
    locked = written(lambda writer: writer.encrypt("secret"))
    assert cv_errors(client, application_data, locked) == [
        "Le CV est protégé par un mot de passe : envoyez une version sans protection."
    ]
