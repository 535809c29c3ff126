"""The open data page and its files (public, no account)."""

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from cnfs.opendata import datasets


@require_safe
def index(request):
    files = [(dataset, datasets.cached(dataset)) for dataset in datasets.DATASETS]
    title = "Données ouvertes"
    return render(
        request,
        "opendata/index.html",
        {
            "files": files,
            "licence": datasets.LICENCE,
            "cache_minutes": datasets.MAX_AGE // 60,
            "page_title": title,
            "breadcrumb_data": {"current": title},
        },
    )


@require_safe
def download(request, slug):
    dataset = datasets.BY_SLUG.get(slug)
    if dataset is None:
        raise Http404
    entry = datasets.get(dataset)
    etag = f'"{entry.etag}"'
    last_modified = int(entry.generated_at.timestamp())
    conditional = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if conditional is not None:
        conditional["ETag"], conditional["Last-Modified"] = etag, http_date(last_modified)
        return conditional
    try:
        file = entry.file.open("rb")
    except FileNotFoundError:  # replaced by a newer copy between the two reads
        entry = datasets.get(dataset)
        file = entry.file.open("rb")
        etag, last_modified = f'"{entry.etag}"', int(entry.generated_at.timestamp())
    # Served from the disk in chunks, whatever the file's size.
    response = FileResponse(file, content_type=dataset.content_type)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["Access-Control-Allow-Origin"] = "*"
    name = dataset.filename.replace("/", "-")
    disposition = "attachment" if dataset.format == "CSV" else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    return response
