"""The main menu of each role. Each app adds its entries here as it grows."""

from django.urls import reverse

from cnfs.accounts.enums import Role

PUBLIC_MENU = [
    ("Accueil", "web:home"),
    ("Le programme", "web:programme"),
    ("Territoires", "territories:index"),
]

ROLE_MENUS = {
    Role.NATIONAL: [
        ("Mon espace", "accounts:dashboard"),
        ("Structures", "structures:list"),
        ("Administration", "admin:index"),
    ],
    Role.PREFECTURE: [
        ("Mon espace", "accounts:dashboard"),
        ("Structures du territoire", "structures:list"),
    ],
    Role.STRUCTURE: [
        ("Mon espace", "accounts:dashboard"),
        ("Ma structure", "structures:list"),
    ],
    Role.CANDIDATE: [("Mon espace", "accounts:dashboard")],
    Role.ADVISOR: [("Mon espace", "accounts:dashboard")],
    Role.FINANCIAL: [
        ("Mon espace", "accounts:dashboard"),
        ("Structures", "structures:list"),
    ],
}


def menu_for(request) -> list[dict]:
    role = getattr(request.user, "active_role", None)
    entries = ROLE_MENUS.get(role.kind, []) if role else PUBLIC_MENU
    items = []
    for label, name in entries:
        url = reverse(name)
        current = request.path == url or (url != "/" and request.path.startswith(url))
        items.append({"label": label, "url": url, "current": current})
    return items
