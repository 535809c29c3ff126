from cnfs.bench.registry import Figure, benchmark, ensure_national_scale, time_page
from cnfs.committee.models import Session
from cnfs.structures.models import Structure


@benchmark
def national_application_list():
    story = ensure_national_scale()
    national = story["national"]
    home, _ = time_page("/", user=national)
    listing, queries = time_page("/structures/", user=national)
    filtered, _ = time_page("/structures/?status=validated&departement=69", user=national)
    scale = f"{Structure.objects.count()} structures, {Session.objects.count()} sessions"
    return [
        Figure(
            "structures : liste nationale des candidatures",
            listing,
            "ms",
            home,
            f"{scale} ; {queries} requêtes SQL ; référence : la page d’accueil",
        ),
        Figure(
            "structures : liste filtrée (statut, département)",
            filtered,
            "ms",
            home,
            "référence : la page d’accueil",
        ),
    ]
