"""Every page of every role's menu, on a desktop (1280 px) and a phone (390 px): nothing
wider than the screen, no table to scroll sideways (its action column in view: the rows
become cards on a phone), and no serious or critical axe-core violation. Demo data, one
browser context per role."""

import pytest
from django.core.management import call_command

from cnfs.demo.building import build_demo
from cnfs.demo.second_factor import current_code
from cnfs.demo.seeds import DEMO_DOMAIN, DEMO_PASSWORD
from tests.browser_support import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

# (account, pages to visit besides its menu). None: the public menu, logged out.
ROLES = [
    (None, ["/api/v1/docs"]),
    ("anct", []),
    ("prefecture-jura", []),
    ("structure", ["/recrutement/contrats/", "/recrutement/recherche/", "/partenaires/api/"]),
    ("candidat", []),
    ("conseiller", ["/activite/nouveau/"]),
    ("banque-des-territoires", []),
]

# Menu entries not checked, and why.
EXCLUDED = {
    "/gestion/": "Django's administration: its own layout, not the DSFR's (staff only)",
}
# Pages whose axe-core check is skipped, and why.
NO_AXE = {
    "/api/v1/docs": "Swagger UI, shipped by django-ninja (not the site's own markup)",
}

OVERFLOW = """() => {
  const page = document.documentElement.scrollWidth - window.innerWidth;
  const scrollers = document.querySelectorAll('.fr-table__container, .fr-table > table');
  const tables = Array.from(scrollers)
    .filter(e => e.scrollWidth > e.clientWidth + 1)
    .map(e => {
      // The element that sticks out furthest: what to fix.
      let widest = [0, ''];
      e.querySelectorAll('*').forEach(c => {
        const right = c.getBoundingClientRect().right;
        if (right > widest[0]) { widest = [Math.round(right), c.tagName + '.' + c.className]; }
      });
      const name = (e.querySelector('caption') || e).textContent.trim().slice(0, 40);
      return name + ' (widest: ' + widest[1] + ' to ' + widest[0] + ' px)';
    });
  return {page, tables};
}"""


@pytest.fixture
def demo(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("load_territories", verbosity=0)
    return build_demo()


def menu_urls(page):
    links = page.get_by_role("navigation", name="Menu principal").get_by_role("link")
    urls = []
    for href in links.evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        if href.startswith("/") and href not in urls:
            urls.append(href)
    return urls


def problems_of(page, url, viewport):
    page.set_viewport_size(viewport)
    response = page.goto(url)
    found = []
    if response is None or response.status >= 400:
        return [f"{url}: HTTP {response.status if response else '?'}"]
    overflow = page.evaluate(OVERFLOW)
    if overflow["page"] > 0:
        found.append(f"{url} @{viewport['width']}: {overflow['page']} px wider than the screen")
    if overflow["tables"]:
        found.append(f"{url} @{viewport['width']}: tables scroll sideways: {overflow['tables']}")
    if url not in NO_AXE:
        for violation in axe_violations(page):
            targets = [node["target"] for node in violation["nodes"][:3]]
            found.append(f"{url} @{viewport['width']}: axe {violation['id']} {targets}")
    return found


def test_every_menu_page_fits_desktop_and_phone_and_passes_axe(live_server, browser, demo):
    problems, visited = [], 0
    for account, extra in ROLES:
        context = browser.new_context(locale="fr-FR", base_url=live_server.url)
        page = context.new_page()
        page.set_viewport_size(DESKTOP)
        if account:
            page.goto("/compte/connexion/")
            page.get_by_label("Adresse e-mail").fill(f"{account}@{DEMO_DOMAIN}")
            page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
            page.get_by_role("button", name="Se connecter").click()
            page.wait_for_load_state()
            if "/second-facteur/" in page.url:  # the national team and the funder
                page.get_by_label("Code de vérification").fill(current_code())
                page.get_by_role("button", name="Vérifier").click()
                page.wait_for_load_state()
        page.goto("/compte/" if account else "/")
        urls = [u for u in menu_urls(page) if u not in EXCLUDED] + extra
        assert len(urls) >= 2, f"no menu for {account}"
        for url in urls:
            for viewport in (DESKTOP, PHONE):
                problems += [
                    f"[{account or 'public'}] {p}" for p in problems_of(page, url, viewport)
                ]
                visited += 1
        context.close()
    print(f"{visited} page views checked")
    assert problems == [], "\n".join(problems)
