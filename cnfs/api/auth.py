"""Who may call the API and what goes back when something is refused.

Authenticated endpoints use the platform's Django session (``django_auth``: the ``sessionid``
cookie), so the active role chosen on the site applies. Because the credential is a cookie,
ninja checks the CSRF token of every unsafe request (POST…): a logged-in client sends the
``csrftoken`` cookie's value in the ``X-CSRFToken`` header. Anonymous endpoints
(``auth=None``) carry no credential to abuse and need no token.

Errors keep ninja's shape ``{"detail": …}``: a list of ``{"loc", "msg", "type"}`` for 422,
a sentence for the others; always in French.
"""

import logging

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import SessionAuth, django_auth

from cnfs.accounts.perms import has_active_role
from cnfs.common.workflow import TransitionNotAllowed

session_auth = django_auth
logger = logging.getLogger("django.request")

# Every endpoint that takes a body names its parameter ``payload``: service errors on a
# field are located there, like ninja's own errors (["body", "payload", "siret"]).
BODY_LOC = ["body", "payload"]

FORBIDDEN = "Votre rôle actif ne donne pas accès à cette ressource."
CSRF_FAILED = (
    "Jeton CSRF absent ou invalide : envoyez la valeur du cookie « csrftoken » "
    "dans l’en-tête X-CSRFToken."
)

UNREADABLE_BODY = "Corps de requête illisible : un JSON valide, encodé en UTF-8, est attendu."
UNREADABLE_FORM = "Corps de requête illisible : formulaire multipart mal formé."
TOO_LARGE = "Corps de requête trop volumineux."
SERVER_ERROR = "Erreur interne : l’équipe technique est prévenue. Réessayez plus tard."
NINJA_MESSAGES = {
    "CSRF check Failed": CSRF_FAILED,
    "Cannot parse request body": UNREADABLE_BODY,
}

# Pydantic's messages, in French (types not listed keep their own message).
_MESSAGES = {
    "missing": "Ce champ est obligatoire.",
    "string_type": "Saisissez un texte.",
    "string_too_long": "Saisissez au plus {max_length} caractère(s).",
    "int_type": "Saisissez un nombre entier.",
    "int_parsing": "Saisissez un nombre entier.",
    "int_from_float": "Saisissez un nombre entier.",
    "greater_than_equal": "Saisissez un nombre supérieur ou égal à {ge}.",
    "less_than_equal": "Saisissez un nombre inférieur ou égal à {le}.",
    "bool_type": "Répondez par true ou false.",
    "bool_parsing": "Répondez par true ou false.",
    "date_type": "Saisissez une date au format AAAA-MM-JJ.",
    "date_parsing": "Saisissez une date au format AAAA-MM-JJ.",
    "date_from_datetime_parsing": "Saisissez une date au format AAAA-MM-JJ.",
    "date_from_datetime_inexact": "Saisissez une date au format AAAA-MM-JJ.",
    "enum": "Choisissez une valeur parmi : {expected}.",
    "literal_error": "Choisissez une valeur parmi : {expected}.",
    "string_pattern_mismatch": "Le format n’est pas valide.",
    "model_attributes_type": "Un objet JSON est attendu.",
    "dict_type": "Un objet JSON est attendu.",
    "json_invalid": "Le corps de la requête n’est pas un JSON valide.",
}


class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(Schema):
    detail: list[FieldErrorOut]


class RoleSession(SessionAuth):
    """The session, whose active role must be one of ``kinds``: checked before the body is
    read, so a refused role answers 403 whatever it sends."""

    def __init__(self, *kinds):
        self.kinds = kinds
        super().__init__()

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None and not has_active_role(user, *self.kinds):
            raise PermissionDenied(FORBIDDEN)
        return user


def require_role(request, *kinds):
    """403 unless the active role is one of ``kinds`` (the scope is the querysets' job)."""
    if not has_active_role(request.user, *kinds):
        raise PermissionDenied(FORBIDDEN)


def _french(error: dict) -> dict:
    ctx = error.get("ctx") or {}
    if error["type"] == "string_too_short":
        message = (
            "Ce champ ne peut pas être vide."
            if ctx.get("min_length") == 1
            else "Saisissez au moins {min_length} caractère(s)."
        )
    else:
        message = _MESSAGES.get(error["type"])
    if message is None:
        return error
    values = {key: str(value).replace(" or ", " ou ") for key, value in ctx.items()}
    return {**error, "msg": message.format(**values)}


def _service_errors(exc: DjangoValidationError) -> list[dict]:
    by_field = exc.error_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: [exc]}
    errors = []
    for field, field_errors in by_field.items():
        loc = BODY_LOC if field == NON_FIELD_ERRORS else [*BODY_LOC, field]
        for error in field_errors:
            for sub in error.error_list:
                errors.append({"loc": loc, "msg": sub.messages[0], "type": sub.code or "invalid"})
    return errors


def install_error_handlers(api):
    """Services raise Django's exceptions; the API answers them in ninja's shape."""

    @api.exception_handler(NinjaValidationError)
    def invalid_input(request, exc):
        errors = [_french(error) for error in exc.errors]
        return api.create_response(request, {"detail": errors}, status=422)

    @api.exception_handler(DjangoValidationError)
    def refused_by_service(request, exc):
        return api.create_response(request, {"detail": _service_errors(exc)}, status=422)

    @api.exception_handler(TransitionNotAllowed)
    def conflict(request, exc):
        """A status that moved on meanwhile (another person, another tab): a conflict."""
        return api.create_response(request, {"detail": str(exc)}, status=409)

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return api.create_response(request, {"detail": str(exc) or FORBIDDEN}, status=403)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(
            request, {"detail": "Introuvable (ou hors de votre périmètre)."}, status=404
        )

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return api.create_response(
            request, {"detail": "Authentification requise : connectez-vous."}, status=401
        )

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        message = NINJA_MESSAGES.get(str(exc), str(exc))
        return api.create_response(request, {"detail": message}, status=exc.status_code)

    @api.exception_handler(RequestDataTooBig)
    def too_large(request, exc):
        return api.create_response(request, {"detail": TOO_LARGE}, status=413)

    @api.exception_handler(MultiPartParserError)
    @api.exception_handler(UnreadablePostError)
    def unreadable_form(request, exc):
        return api.create_response(request, {"detail": UNREADABLE_FORM}, status=400)

    @api.exception_handler(Exception)
    def server_error(request, exc):
        """Anything else is a bug: logged as Django logs it, answered 500 in JSON."""
        logger.error(
            "Internal Server Error: %s", request.path, exc_info=exc, extra={"status_code": 500}
        )
        return api.create_response(request, {"detail": SERVER_ERROR}, status=500)
