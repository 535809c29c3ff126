"""Content-Security-Policy on every page, HTTPS in production, and `check --deploy`."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def directives(response) -> dict:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize("url", ["/", "/carte/", "/compte/connexion/", "/candidats/inscription/"])
def test_every_page_forbids_inline_scripts_and_framing(client, db, url):
    response = client.get(url)
    assert response.status_code == 200
    policy = directives(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"


def test_the_embedded_map_may_be_framed_anywhere(client, db):
    response = client.get(reverse("public:embed"))
    assert response.status_code == 200
    assert directives(response)["frame-ancestors"] == ["*"]
    assert "X-Frame-Options" not in response


def test_no_template_has_an_inline_script():
    inline = []
    for template in (ROOT / "cnfs").rglob("*.html"):
        for tag in re.findall(r"<script\b[^>]*>", template.read_text()):
            if "src=" not in tag and "application/json" not in tag:
                inline.append(f"{template.relative_to(ROOT)}: {tag}")
    assert inline == []


def test_health_check_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["status"] == "ok"


def _production_env(**extra) -> dict:
    test_only = {"PYTEST_VERSION", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in test_only}
    return (
        env
        | {
            "SECRET_KEY": "p" * 20 + "r0duct10n-k3y-w1th-3n0ugh-ch4r4ct3rs-and-v4r13ty",
            "ALLOWED_HOSTS": "conseiller-numerique.example",
        }
        | extra
    )


def _manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=_production_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_on_production_settings_gives_no_warning():
    result = _manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_redirects_to_https_but_not_the_health_check():
    script = (
        "from django.conf import settings as s; import re; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
        "any(re.search(p, 'healthz') for p in s.SECURE_REDIRECT_EXEMPT))"
    )
    result = _manage("shell", "-v", "0", "-c", script)
    assert result.stdout.split() == ["True", "31536000", "True"], result.stderr
    local = _manage("shell", "-v", "0", "-c", script, DEBUG="1")
    assert local.stdout.split() == ["False", "0", "True"], local.stderr
