"""The visitors of `make load`: every role's pages, the API, the partners' API and report
submissions, 1 to 3 s between two actions. The plan (accounts, pages that answer) comes
from scripts/load/prepare.py through LOAD_PLAN."""

import hashlib
import hmac
import itertools
import json
import os
import random
import re
import time
import uuid
from datetime import date

from locust import HttpUser, between, task

PLAN = json.loads(open(os.environ["LOAD_PLAN"]).read())["plan"]  # noqa: SIM115


def _name(path: str) -> str:
    """Requests grouped by page: ids and query values folded."""
    path = re.sub(r"/\d+/", "/{id}/", path)
    return re.sub(r"=([^&]*)", "=…", path)


def totp(hex_key: str, step: int = 30, digits: int = 6) -> str:
    """The code of an authenticator app holding ``hex_key`` (RFC 6238, SHA-1)."""
    counter = int(time.time()) // step
    mac = hmac.new(bytes.fromhex(hex_key), counter.to_bytes(8, "big"), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    code = (int.from_bytes(mac[offset : offset + 4], "big") & 0x7FFFFFFF) % 10**digits
    return f"{code:0{digits}d}"


_next_account = {role: itertools.count() for role in ("national", "financial")}


class Visitor(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    role = "public"

    def _get(self, path: str, **kwargs):
        self.client.get(path, name=f"{self.role} {_name(path)}", **kwargs)

    @task
    def page(self):
        self._get(random.choice(PLAN["pages"][self.role]))


class Public(Visitor):
    weight = 10


class Partner(Visitor):
    weight = 3
    role = "partner"

    def on_start(self):
        self.client.headers["X-Api-Key"] = PLAN["api_key"]


class Member(Visitor):
    abstract = True

    def on_start(self):
        login = "/compte/connexion/"
        account = PLAN["accounts"][self.role]
        if self.role in _next_account:  # second factor: an account of one's own
            account = PLAN["privileged"][self.role][next(_next_account[self.role])]
        self.client.get(login, name=f"{self.role} login form")
        answer = self.client.post(
            login,
            {
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
                "username": account,
                "password": PLAN["password"],
            },
            name=f"{self.role} login",
            allow_redirects=False,
        )
        if answer.headers.get("Location", "").endswith("/compte/second-facteur/"):
            self.client.post(
                "/compte/second-facteur/",
                {
                    "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
                    "code": totp(PLAN["totp_key"]),
                },
                name=f"{self.role} login code",
                allow_redirects=False,
            )


class National(Member):
    weight = 2
    role = "national"


class Prefecture(Member):
    weight = 2
    role = "prefecture"


class Structure(Member):
    weight = 3
    role = "structure"


class Candidate(Member):
    weight = 2
    role = "candidate"


class Financial(Member):
    weight = 1
    role = "financial"


class Advisor(Member):
    weight = 5
    role = "advisor"

    @task(2)
    def submit_report(self):
        if PLAN["report"] is None:  # unavailable in this database (see plan.json)
            return self.page()
        self.client.post(
            "/api/v1/activity/reports",
            json={**PLAN["report"], "date": date.today().isoformat()},
            headers={
                "X-CSRFToken": self.client.cookies.get("csrftoken", ""),
                "Idempotency-Key": uuid.uuid4().hex,
            },
            name="advisor POST /api/v1/activity/reports",
        )
