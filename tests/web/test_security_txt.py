"""/.well-known/security.txt (RFC 9116): whom to tell of a vulnerability."""

from datetime import UTC, datetime

import time_machine

URL = "/.well-known/security.txt"


def fields(response) -> dict[str, str]:
    text = response.content.decode()
    return dict(line.split(": ", 1) for line in text.splitlines())


@time_machine.travel(datetime(2027, 3, 10, 8, 30, 15, tzinfo=UTC), tick=False)
def test_security_txt_has_the_required_fields(client, settings, db):
    settings.SITE_URL = "https://www.conseiller-numerique.gouv.fr"
    settings.SECURITY_CONTACT = "mailto:securite@exemple.gouv.fr"
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert fields(response) == {
        "Contact": "mailto:securite@exemple.gouv.fr",
        "Expires": "2027-09-06T08:30:15Z",
        "Preferred-Languages": "fr, en",
        "Canonical": "https://www.conseiller-numerique.gouv.fr/.well-known/security.txt",
    }


def test_expires_is_computed_at_each_request_and_stays_within_a_year(client, db):
    for day in (datetime(2027, 1, 1, tzinfo=UTC), datetime(2031, 12, 31, 23, 59, tzinfo=UTC)):
        with time_machine.travel(day, tick=False):
            expires = datetime.fromisoformat(fields(client.get(URL))["Expires"])
        assert day < expires <= day.replace(year=day.year + 1)
