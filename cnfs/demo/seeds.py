"""The story of the programme's press releases (docs/domain.md §1), as data the demo builds."""

DEMO_PASSWORD = "Conseiller-Numerique-2021"
DEMO_DOMAIN = "demo.conseiller-numerique.fr"

# Sessions of the selection committee the story goes through.
FIRST_SESSION = (1, "2021-03-24")  # « COSELEC 1 »
LATER_SESSION = (3, "2021-05-27")

# Jura: 13 advisors recruited by 9 structures, all granted at the first committee.
# (name, legal type, commune INSEE code, posts)
JURA_STRUCTURES = [
    ("ECLA — Espace Communautaire Lons Agglomération (campus numérique)", "epci", "39300", 3),
    ("Communauté de communes du Grand Dole", "epci", "39198", 2),
    ("Communauté de communes Haut-Jura Saint-Claude", "epci", "39478", 2),
    ("Communauté de communes Porte du Jura", "epci", "39475", 1),
    ("Communauté de communes Arbois Poligny Salins Cœur du Jura", "epci", "39434", 1),
    ("Fab Lab Bresse Haute Seille", "association", "39056", 1),
    ("L’Atelier des Savoir-Faire", "association", "39453", 1),
    ("Ligue de l’enseignement du Jura", "association", "39300", 1),
    ("Secours populaire du Jura", "association", "39300", 1),
]

# Hautes-Alpes: 11 posts to 8 communautés de communes at the first committee (March),
# 7 more at a later one: 18 posts, 900,000 € (all public employers in mainland France).
# (name, legal type, commune INSEE code, posts, session)
HAUTES_ALPES_STRUCTURES = [
    ("Communauté de communes du Briançonnais", "epci", "05023", 1, 1),
    ("Communauté de communes Buëch-Dévoluy", "epci", "05179", 1, 1),
    ("Communauté de communes du Champsaur-Valgaudemar", "epci", "05132", 1, 1),
    ("Communauté de communes du Guillestrois et du Queyras", "epci", "05065", 1, 1),
    ("Communauté de communes du Pays des Écrins", "epci", "05006", 1, 1),
    ("Communauté de communes de Serre-Ponçon", "epci", "05046", 1, 1),
    ("Communauté de communes de Serre-Ponçon Val d’Avance", "epci", "05017", 1, 1),
    ("Communauté de communes du Sisteronais-Buëch", "epci", "05070", 4, 1),
    ("Conseil départemental des Hautes-Alpes", "departement", "05061", 4, 3),
    ("Commune de Gap", "commune", "05061", 1, 3),
    ("Commune d’Espinasses", "commune", "05050", 1, 3),
    ("Commune d’Orpierre", "commune", "05097", 1, 3),
]
