"""How the pages name a territory in a sentence: « Dans le Jura », « Dans les Hautes-Alpes »."""

from cnfs.territories.models import Departement

# The article of each département's name (INSEE "type de nom"): le, la, les, l'.
_ARTICLES = {
    "le": "14 15 18 25 29 30 32 39 41 45 46 47 49 56 59 62 63 67 68 69 81 82 83 84 90 94 95",
    "la": "16 17 19 2A 2B 21 23 24 26 31 33 42 43 44 48 50 51 52 53 54 55 57 58 70 71 72 73 74 "
    "76 77 80 85 86 87 93",
    "les": "04 05 06 08 13 22 40 64 65 66 78 79 88 92",
    "l’": "01 02 03 07 09 10 11 12 27 28 34 35 36 37 38 60 61 89 91",
}
DEPARTEMENT_ARTICLES = {code: art for art, codes in _ARTICLES.items() for code in codes.split()}
DEPARTEMENT_LOCATIVES = {
    "75": "à Paris",
    "971": "en Guadeloupe",
    "972": "en Martinique",
    "973": "en Guyane",
    "974": "à La Réunion",
    "976": "à Mayotte",
}
REGION_LOCATIVES = {
    "04": "à La Réunion",
    "06": "à Mayotte",
    "32": "dans les Hauts-de-France",
    "44": "dans le Grand Est",
    "52": "dans les Pays de la Loire",
}


def locative(territory) -> str:
    """« dans le Jura », « dans l’Ain », « en Bourgogne-Franche-Comté »…"""
    if isinstance(territory, Departement):
        if territory.code in DEPARTEMENT_LOCATIVES:
            return DEPARTEMENT_LOCATIVES[territory.code]
        article = DEPARTEMENT_ARTICLES.get(territory.code)
        if article is None:
            return f"dans le département {territory.name}"
        return f"dans {article}{'' if article.endswith('’') else ' '}{territory.name}"
    return REGION_LOCATIVES.get(territory.code, f"en {territory.name}")


def plural(count: int, singular: str, many: str) -> str:
    return singular if count <= 1 else many


def number(value: int) -> str:
    """French grouping: 4 000 (a narrow no-break space between thousands)."""
    from django.utils.formats import number_format

    return number_format(value, force_grouping=True)


def lead_sentences(where: str, deployment) -> list[str]:
    """What the press releases say: « Dans le Jura, 13 conseillers numériques ont été
    recrutés par 9 structures. »"""
    where = where[:1].upper() + where[1:]
    n, hosts = deployment.recruited, deployment.hosting_structures
    if n:
        advisors = plural(
            n, "conseiller numérique a été recruté", "conseillers numériques ont été recrutés"
        )
        by = f"{number(hosts)} {plural(hosts, 'structure', 'structures')}"
        first = f"{where}, {number(n)} {advisors} par {by}."
    else:
        first = f"{where}, aucun conseiller numérique n’a encore été recruté."
    posts, structures = deployment.posts_granted, deployment.validated_structures
    if posts:
        euros = number(deployment.committed_euros)
        second = (
            f"Le comité de sélection y a attribué {number(posts)} "
            f"{plural(posts, 'poste', 'postes')} à {number(structures)} "
            f"{plural(structures, 'structure', 'structures')}, soit {euros} € de subventions "
            "de l’État engagées."
        )
    else:
        second = "Aucun poste de conseiller numérique n’y a encore été attribué."
    return [first, second]
