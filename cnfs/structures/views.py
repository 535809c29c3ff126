from django.shortcuts import get_object_or_404, render

from cnfs.accounts.enums import Role
from cnfs.accounts.perms import role_required
from cnfs.common.audit import history
from cnfs.structures.models import Structure

STRUCTURE_READERS = (Role.NATIONAL, Role.PREFECTURE, Role.STRUCTURE, Role.FINANCIAL)


@role_required(*STRUCTURE_READERS)
def structure_list(request):
    structures = Structure.objects.visible_to(request.user).select_related("commune", "departement")
    return render(
        request,
        "structures/list.html",
        {
            "structures": structures[:500],
            "page_title": "Structures",
            "breadcrumb_data": {"links": [], "current": "Structures"},
        },
    )


@role_required(*STRUCTURE_READERS)
def structure_detail(request, pk):
    structure = get_object_or_404(
        Structure.objects.visible_to(request.user).select_related("commune", "departement"),
        pk=pk,
    )
    return render(
        request,
        "structures/detail.html",
        {
            "structure": structure,
            "history": history(structure)[:50],
            "page_title": structure.name,
            "breadcrumb_data": {
                "links": [{"url": "/structures/", "title": "Structures"}],
                "current": structure.name,
            },
        },
    )
