"""Production static files: collectstatic with hashed names must succeed and the DSFR
stylesheet must be linked under its hashed name, with no integrity hash to break."""

import re

from django.core.management import call_command


def test_production_static_files_are_collected_and_linked(client, db, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    page = client.get("/").content.decode()
    css = re.search(r'href="/static/(dsfr/dist/dsfr/dsfr\.min\.[0-9a-f]{12}\.css)"', page)
    assert css, "the DSFR stylesheet is linked under its hashed name"
    assert (tmp_path / css.group(1)).exists()
    assert "integrity=" not in page
