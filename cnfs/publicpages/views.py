"""The public resources page (digital-inclusion kits) and the FAQ, both managed by the
national team in the administration. Each page runs a fixed number of queries."""

from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from cnfs.publicpages.models import Question, Resource, ResourceAudience, ResourceTag
from cnfs.territories.search import normalize


def _words(query: str) -> list[str]:
    return normalize(query or "").split()


def _matching(queryset, query: str):
    for word in _words(query):
        queryset = queryset.filter(search_text__contains=word)
    return queryset


@require_GET
def resources(request):
    query = request.GET.get("q", "").strip()[:100]
    tag = request.GET.get("etiquette", "").strip()
    audience = request.GET.get("public", "")
    found = Resource.objects.filter(published=True)
    found = _matching(found, query)
    if tag:
        found = found.filter(tags__name=tag)
    if audience in ResourceAudience.values:
        found = found.filter(audience=audience)
    else:
        audience = ""
    found = found.prefetch_related(
        Prefetch("tags", queryset=ResourceTag.objects.order_by("name"))
    ).distinct()
    tags = ResourceTag.objects.filter(resource__published=True).distinct().order_by("name")
    title = "Ressources : kits d’inclusion numérique"
    return render(
        request,
        "publicpages/resources.html",
        {
            "resources": list(found),
            "tags": list(tags),
            "audiences": ResourceAudience.choices,
            "query": query,
            "tag": tag,
            "audience": audience,
            "page_title": title,
            "breadcrumb_data": {"links": [], "current": "Ressources"},
        },
    )


@require_GET
def resource_file(request, pk):
    """A published kit's file, downloaded from the site (no separate media server)."""
    resource = get_object_or_404(Resource, pk=pk, published=True)
    if not resource.file:
        raise Http404("Cette ressource est un lien, pas un fichier.")
    return FileResponse(
        resource.file.open("rb"),
        as_attachment=True,
        filename=resource.file.name.rsplit("/", 1)[-1],
    )


@require_GET
def faq(request):
    query = request.GET.get("q", "").strip()[:100]
    questions = list(_matching(Question.objects.filter(published=True), query))
    categories: dict[str, list] = {}
    for question in questions:
        question.paragraphs = [p.strip() for p in question.answer.split("\n\n") if p.strip()]
        categories.setdefault(question.category, []).append(question)
    return render(
        request,
        "publicpages/faq.html",
        {
            "categories": list(categories.items()),
            "count": len(questions),
            "query": query,
            "page_title": "Questions fréquentes",
            "breadcrumb_data": {"links": [], "current": "Questions fréquentes"},
        },
    )
