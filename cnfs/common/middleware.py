"""Requests refused before any view sees them."""

from urllib.parse import unquote_to_bytes

from django.http import HttpResponseBadRequest, JsonResponse

NUL_MESSAGE = "Caractère nul interdit dans l’adresse de la page."


class RejectNulBytesMiddleware:
    """A NUL character in the path or the query string answers 400: no database stores it
    (PostgreSQL refuses it in any text), and no page or API parameter contains one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or b"\x00" in unquote_to_bytes(query):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": NUL_MESSAGE}, status=400)
            return HttpResponseBadRequest(NUL_MESSAGE, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
