"""The main menu of each role. Each app adds its entries here as it grows."""

from django.urls import reverse

from cnfs.accounts.enums import Role

PUBLIC_MENU = [
    ("Accueil", "web:home"),
    ("Trouver un conseiller", "public:map"),
    ("Le programme", "web:programme"),
    ("Accueillir un conseiller", "structures:apply"),
    ("Devenir conseiller", "candidates:apply"),
    ("Territoires", "territories:index"),
    ("Statistiques", "territories:statistics"),
    ("Données ouvertes", "opendata:index"),
]

ROLE_MENUS = {
    Role.NATIONAL: [
        ("Mon espace", "accounts:dashboard"),
        ("Structures", "structures:list"),
        ("Comité de sélection", "committee:sessions"),
        ("Recrutements", "contracts:to_validate"),
        ("Fins de contrat", "contracts:end_requests"),
        ("Conseillers", "contracts:advisors"),
        ("Suivi des territoires", "followup:index"),
        ("Statistiques d’activité", "stats:index"),
        ("Financement", "funding:index"),
        ("Administration", "admin:index"),
    ],
    Role.PREFECTURE: [
        ("Mon espace", "accounts:dashboard"),
        ("Avis à donner", "followup:opinions"),
        ("Structures du territoire", "structures:list"),
        ("Conseillers", "contracts:advisors"),
        ("Postes sans candidats", "contracts:shortage"),
        ("Suivi du territoire", "followup:index"),
        ("Statistiques d’activité", "stats:index"),
    ],
    Role.STRUCTURE: [
        ("Mon espace", "accounts:dashboard"),
        ("Ma structure", "structures:list"),
        ("Recrutement", "matching:proposals"),
        ("Conseillers", "contracts:advisors"),
        ("Lieux d’activité", "places:list"),
        ("Statistiques d’activité", "stats:index"),
        ("Financement", "funding:index"),
        ("Coordination", "coordination:structure_links"),
        ("Réseaux", "coordination:structure_networks"),
    ],
    Role.CANDIDATE: [
        ("Mon espace", "accounts:dashboard"),
        ("Ma candidature", "candidates:space"),
    ],
    Role.ADVISOR: [
        ("Mon espace", "accounts:dashboard"),
        ("Saisir un compte rendu", "activity:new"),
        ("Mes comptes rendus", "activity:history"),
        ("Mes statistiques", "stats:index"),
        ("Lieux d’activité", "places:list"),
    ],
    Role.FINANCIAL: [
        ("Mon espace", "accounts:dashboard"),
        ("Versements", "funding:index"),
        ("Suivi des territoires", "followup:index"),
        ("Statistiques d’activité", "stats:index"),
        ("Structures", "structures:list"),
    ],
    Role.COORDINATOR: [
        ("Mon espace", "accounts:dashboard"),
        ("Coordination", "coordination:coordinator"),
        ("Mes activités de coordination", "coordination:activities"),
    ],
    Role.HUB: [
        ("Mon espace", "accounts:dashboard"),
        ("Mon territoire", "coordination:hub"),
    ],
    Role.NETWORK: [
        ("Mon espace", "accounts:dashboard"),
        ("Mes membres", "coordination:network"),
    ],
}


def menu_for(request) -> list[dict]:
    role = getattr(request.user, "active_role", None)
    entries = ROLE_MENUS.get(role.kind, []) if role else PUBLIC_MENU
    urls = [(label, reverse(name)) for label, name in entries]
    # The current entry is the longest URL the path starts with ("/" only on the home page).
    current = max(
        (
            url
            for _, url in urls
            if request.path == url or (url != "/" and request.path.startswith(url))
        ),
        key=len,
        default=None,
    )
    return [{"label": label, "url": url, "current": url == current} for label, url in urls]
