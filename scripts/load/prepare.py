"""`make load`, step 1 (in the load database): migrate, build the data if absent, write
the plan the locust users follow (accounts, pages that answer 200 for each role, an API
key for the partners' API) to var/load/plan.json.

Volumes at ``--scale 1``: `seed_demo --scale 1`, a year (2023) of 5,000,000 reports
written with COPY (counters rebuilt), 20,000 public places. Built once per database and
scale: the `cnfs_load_meta` table remembers it.
"""

import json
import os
import sys
import time
from datetime import date
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cnfs.settings")

REPORTS_AT_SCALE_1 = 5_000_000
PLACES_AT_SCALE_1 = 20_000

# Every role's pages (GET); those that do not answer 200 here are left out of the plan
# (and listed in it): the load measures pages, not our mistakes.
# fmt: skip below: a data table laid out by hand for reading.
PUBLIC = [
    "/", "/programme/", "/carte/", "/carte/departements.geojson",
    "/carte/donnees.json?bbox=4.70,45.65,5.00,45.85", "/carte/donnees.json",
    "/territoires/", "/territoires/?q=lyon", "/territoires/region/27/",
    "/territoires/departement/39/", "/territoires/departement/69/", "/statistiques/",
    "/statistiques/?departement=69&annee=2023", "/donnees/", "/structures/candidater/",
    "/candidats/inscription/", "/partenaires/api/", "/api/v1/communes?q=dole",
]  # fmt: skip
# fmt: skip below: a data table laid out by hand for reading.
ROLE_PAGES = {
    "national": [
        "/compte/", "/comite/", "/conseillers/", "/conseillers/recrutements/",
        "/conseillers/postes-sans-candidats/", "/structures/", "/suivi/", "/suivi/avis/",
        "/statistiques-activite/", "/statistiques-activite/?departement=69",
        "/api/v1/structures",
    ],
    "prefecture": [
        "/compte/", "/suivi/", "/suivi/avis/", "/statistiques-activite/", "/structures/",
    ],
    "structure": [
        "/compte/", "/recrutement/", "/recrutement/recherche/", "/recrutement/contrats/",
        "/lieux/", "/financement/", "/statistiques-activite/", "/api/v1/structures",
    ],
    "candidate": ["/compte/", "/candidats/mon-espace/"],
    "advisor": [
        "/compte/", "/activite/", "/activite/nouveau/", "/statistiques-activite/",
        "/api/v1/activity/reports", "/lieux/",
    ],
    "financial": ["/compte/", "/financement/", "/financement/a-reverser/"],
}  # fmt: skip
# fmt: skip below: a data table laid out by hand for reading.
PARTNER = [
    "/api/v1/partners/places?departement=69", "/api/v1/partners/places?departement=39",
    "/api/v1/partners/territories/69", "/api/v1/partners/territories/27",
    "/api/v1/partners/statistics?departement=69&start=2023-01-01&end=2023-12-31",
    "/api/v1/partners/statistics?start=2023-01-01&end=2023-12-31",
]  # fmt: skip
# fmt: skip below: a data table laid out by hand for reading.
REPORT = {
    "kind": "individual", "channel": "remote", "participants": 1, "ages": {"over_60": 1},
    "statuses": {"retired": 1}, "themes": ["email"], "duration": "30_60",
}  # fmt: skip


def _meta(cursor):
    cursor.execute(
        "CREATE TABLE IF NOT EXISTS cnfs_load_meta (scale double precision PRIMARY KEY, "
        "built_at timestamptz NOT NULL DEFAULT now(), seconds double precision)"
    )


def build(scale: float) -> float:
    """Build the data of ``scale`` once; seconds spent (0 when already there)."""
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import override_settings

    call_command("migrate", "--noinput", verbosity=0)
    call_command("createcachetable", verbosity=0)
    with connection.cursor() as cursor:
        _meta(cursor)
        cursor.execute("SELECT 1 FROM cnfs_load_meta WHERE scale = %s", [scale])
        if cursor.fetchone():
            return 0.0
    started = time.monotonic()
    from cnfs.bench import stats as stats_benchmarks
    from cnfs.bench.registry import ensure_places_of_advisors_in_post
    from cnfs.demo.building import build_demo
    from cnfs.places.models import Place
    from cnfs.territories.loading import load_territories
    from cnfs.territories.models import Commune

    if not Commune.objects.exists():
        load_territories()
    print(f"seed_demo --scale {scale} …", flush=True)
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        build_demo(scale=scale)
    reports = int(REPORTS_AT_SCALE_1 * scale)
    print(f"{reports:,} reports for 2023 (COPY) …", flush=True)
    os.environ["BENCH_REPORTS"] = str(reports)
    stats_benchmarks.ensure_reports()
    places = int(PLACES_AT_SCALE_1 * scale) - Place.objects.count()
    if places > 0:
        print(f"{places:,} places of advisors in post …", flush=True)
        ensure_places_of_advisors_in_post(int(PLACES_AT_SCALE_1 * scale))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        seconds = time.monotonic() - started
        cursor.execute(
            "INSERT INTO cnfs_load_meta (scale, seconds) VALUES (%s, %s)", [scale, seconds]
        )
    return seconds


def row_counts() -> dict:
    from cnfs.activity.models import Report
    from cnfs.candidates.models import Candidate
    from cnfs.places.models import Place
    from cnfs.structures.models import Structure

    return {
        "structures": Structure.objects.count(),
        "candidates": Candidate.objects.count(),
        "reports": Report.objects.count(),
        "places": Place.objects.count(),
    }


PRIVILEGED_ACCOUNTS = 100  # per role: enough for LOAD_USERS up to 600


def _privileged_accounts() -> dict:
    from cnfs.accounts.enums import Role
    from cnfs.accounts.models import RoleAssignment, User
    from cnfs.demo.second_factor import ensure_demo_second_factor
    from cnfs.demo.seeds import DEMO_DOMAIN, DEMO_PASSWORD

    template = User(email="x")
    template.set_password(DEMO_PASSWORD)  # hashed once, copied: hashing is slow on purpose
    hashed = template.password
    accounts = {}
    for role, prefix in ((Role.NATIONAL, "charge-anct"), (Role.FINANCIAL, "charge-bdt")):
        emails = [f"{prefix}-{n:03d}@{DEMO_DOMAIN}" for n in range(PRIVILEGED_ACCOUNTS)]
        User.objects.bulk_create(
            [User(email=e, password=hashed) for e in emails], ignore_conflicts=True
        )
        users = list(User.objects.filter(email__in=emails))
        RoleAssignment.objects.bulk_create(
            [RoleAssignment(user=u, role=role) for u in users], ignore_conflicts=True
        )
        for user in users:
            ensure_demo_second_factor(user)
        accounts[role.value] = emails
    return accounts


def _answers(client, path: str) -> bool:
    try:
        return client.get(path).status_code == 200
    except Exception:  # noqa: BLE001 (a page that fails is left out and listed)
        return False


def plan() -> dict:
    from django.test import Client

    from cnfs.accounts.enums import Role
    from cnfs.accounts.models import User
    from cnfs.demo.second_factor import DEMO_TOTP_KEY
    from cnfs.demo.seeds import DEMO_DOMAIN, DEMO_PASSWORD
    from cnfs.partners.models import ApiKey
    from cnfs.partners.services import create_key

    accounts = {
        "national": "anct",
        "prefecture": "prefecture-jura",
        "structure": "structure",
        "candidate": "candidat",
        "advisor": "conseiller",
        "financial": "banque-des-territoires",
    }
    privileged = _privileged_accounts()
    skipped = []
    public_client = Client()
    pages = {"public": [p for p in PUBLIC if _answers(public_client, p)]}
    skipped += [p for p in PUBLIC if p not in pages["public"]]
    for role, local_part in accounts.items():
        client = Client()
        client.force_login(User.objects.get(email=f"{local_part}@{DEMO_DOMAIN}"))
        pages[role] = [p for p in ROLE_PAGES[role] if _answers(client, p)]
        skipped += [f"{role} {p}" for p in ROLE_PAGES[role] if p not in pages[role]]
    national = User.objects.get(email=f"anct@{DEMO_DOMAIN}")
    key = create_key(
        ApiKey(
            name="make load",
            organisation="Mesure de charge",
            contact_email=f"load@{DEMO_DOMAIN}",
            scopes=["places:read", "territories:read", "stats:read", "structures:read"],
        ),
        by=national,
    )
    advisor = Client()
    advisor.force_login(User.objects.get(email=f"{accounts['advisor']}@{DEMO_DOMAIN}"))
    submitted = advisor.post(
        "/api/v1/activity/reports",
        {**REPORT, "date": date.today().isoformat()},
        content_type="application/json",
    )
    if submitted.status_code != 201:
        skipped.append(f"advisor POST /api/v1/activity/reports ({submitted.status_code})")
    partner = Client(headers={"X-Api-Key": key})
    pages["partner"] = [p for p in PARTNER if _answers(partner, p)]
    skipped += [f"partner {p}" for p in PARTNER if p not in pages["partner"]]
    return {
        "accounts": {role: f"{local}@{DEMO_DOMAIN}" for role, local in accounts.items()},
        "password": DEMO_PASSWORD,
        # The national team and the funder pass a second factor: one account per visitor
        # (a code is accepted once per device), all with the demo's key.
        "privileged": privileged,
        "totp_key": DEMO_TOTP_KEY,
        "pages": pages,
        "api_key": key,
        "report": REPORT if submitted.status_code == 201 else None,
        "skipped": skipped,
        "roles": sorted(Role.values),
    }


def main():
    scale = float(os.environ.get("LOAD_SCALE", "1"))
    django.setup()
    seconds = build(scale)
    result = {"scale": scale, "build_seconds": round(seconds, 1), "rows": row_counts()}
    result["plan"] = plan()
    target = Path(os.environ["LOAD_DIR"]) / "plan.json"
    target.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(f"plan: {target} ({sum(map(len, result['plan']['pages'].values()))} pages)")


if __name__ == "__main__":
    main()
