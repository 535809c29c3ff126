"""The project's own error pages in development too."""

from django.conf import settings

from cnfs.web.views import page_not_found, server_error

HTML = "text/html"


class ProjectErrorPagesMiddleware:
    """With DEBUG on, Django answers a 404 or a 500 with its English debug page (the 404
    one lists every URL pattern). In development too, the visitor sees the project's French
    pages; the traceback of a 500 still goes to the console (Django logs it before this
    middleware sees the response). Without DEBUG, Django uses the handlers of cnfs.urls."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code in (404, 500)
            and not getattr(response, "project_page", False)
            and response.get("Content-Type", "").startswith(HTML)
        ):
            return page_not_found(request) if response.status_code == 404 else server_error(request)
        return response
