"""The story of the press releases (shared/seeds), as data the demo builds."""

DEMO_PASSWORD = "Conseiller-Numerique-2021"
DEMO_DOMAIN = "demo.conseiller-numerique.fr"

# Jura: 13 advisors recruited by 9 structures (communes by INSEE code).
JURA_STRUCTURES = [
    ("ECLA — Espace Communautaire Lons Agglomération (campus numérique)", "39300"),
    ("Communauté de communes du Grand Dole", "39198"),
    ("Communauté de communes Haut-Jura Saint-Claude", "39478"),
    ("Communauté de communes Porte du Jura", "39475"),
    ("Communauté de communes Arbois Poligny Salins Cœur du Jura", "39434"),
    ("Fab Lab Bresse Haute Seille", "39056"),
    ("L’Atelier des Savoir-Faire", "39453"),
    ("Ligue de l’enseignement du Jura", "39300"),
    ("Secours populaire du Jura", "39300"),
]

# Hautes-Alpes: 11 posts at the first committee, 7 at a later one (18 posts, 900,000 €).
HAUTES_ALPES_STRUCTURES = [
    ("Communauté de communes du Briançonnais", "05023", 1),
    ("Communauté de communes Buëch-Dévoluy", "05179", 1),
    ("Communauté de communes du Champsaur-Valgaudemar", "05132", 1),
    ("Communauté de communes du Guillestrois et du Queyras", "05065", 1),
    ("Communauté de communes du Pays des Écrins", "05006", 1),
    ("Communauté de communes de Serre-Ponçon", "05046", 1),
    ("Communauté de communes de Serre-Ponçon Val d’Avance", "05017", 1),
    ("Communauté de communes du Sisteronais-Buëch", "05070", 4),
    ("Conseil départemental des Hautes-Alpes", "05061", 4),
    ("Commune de Gap", "05061", 1),
    ("Commune d’Espinasses", "05050", 1),
    ("Commune d’Orpierre", "05097", 1),
]
