from datetime import timedelta

import pytest
from django.core.files.storage import storages
from django.utils import timezone

from cnfs.accounts.enums import Role
from cnfs.candidates.models import Candidate
from tests import factories


def raw_pdf(*objects: bytes, catalog: bytes = b"") -> bytes:
    """A one-page PDF written by hand (objects 1 to 3: catalog, pages, page), with
    ``objects`` numbered from 4 and ``catalog`` added to the catalog's dictionary."""
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        *objects,
    ]
    out, offsets = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(bodies) + 1,
        xref,
    )
    return bytes(out)


PDF = raw_pdf()


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path, monkeypatch):
    """CVs go to a temporary private folder (the field keeps the storage built at import)."""
    root = tmp_path / "private"
    settings.PRIVATE_MEDIA_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": root, "base_url": None},
        },
    }
    monkeypatch.setattr(Candidate._meta.get_field("cv"), "storage", storages["private"])
    return root


@pytest.fixture
def dole(jura):
    return factories.CommuneFactory(
        insee="39198",
        name="Dole",
        search_name="dole",
        postal_codes="39100",
        departement=jura,
        latitude=47.0925,
        longitude=5.4897,
    )


@pytest.fixture
def application_data(dole):
    """A complete, valid application as the public form posts it."""
    return {
        "first_name": "Léa",
        "last_name": "Girard",
        "email": "Lea.Girard@exemple.fr",
        "phone": "06 12 34 56 78",
        "commune": dole.label,
        "max_distance_km": "40",
        "available_from": (timezone.localdate() + timedelta(days=10)).isoformat(),
        "situation": "job_seeker",
        "has_diploma": "True",
        "diploma_name": "Titre professionnel Responsable d’espace de médiation numérique",
        "has_experience": "False",
        "motivation": "Aider les habitants de mon territoire à devenir autonomes en ligne.",
        "pix_level": "2",
        "pix_use": "64",
        "pix_communication": "",
        "pix_creation": "",
        "consent": "on",
    }


@pytest.fixture
def candidate(dole):
    """A confirmed candidate with an account."""
    user = factories.UserFactory(roles=[(Role.CANDIDATE, {})])
    return factories.CandidateFactory(user=user, email=user.email, commune=dole)
