"""The platform's NinjaAPI: every error it can answer is documented on every operation."""

from ninja import NinjaAPI

from cnfs.api.auth import ErrorOut, ValidationErrorOut

# What any operation may answer besides its own responses (see the API's description).
COMMON_ERRORS = {
    "400": "Requête illisible (corps, encodage ou caractère nul)",
    "404": "Introuvable (ou hors de votre périmètre)",
    "422": "Paramètre ou champ refusé",
}
BODY_ERRORS = {"413": "Corps de requête trop volumineux"}
AUTH_ERRORS = {
    "401": "Authentification requise",
    "403": "Action interdite à votre rôle, ou jeton CSRF absent",
}


# The rate-limited operations (those that may answer 429) say where the caller stands on
# every answer, and when to come back on a 429 (see cnfs.partners.auth).
RATE_LIMIT_HEADERS = {
    "RateLimit-Limit": "Nombre d’appels permis dans la fenêtre en cours",
    "RateLimit-Remaining": "Appels restants dans la fenêtre en cours",
    "RateLimit-Reset": "Secondes avant la fin de la fenêtre en cours",
}
RETRY_AFTER = {"Retry-After": "Secondes à attendre avant de rappeler"}


def _headers(descriptions: dict) -> dict:
    return {
        name: {"description": text, "schema": {"type": "integer", "minimum": 0}}
        for name, text in descriptions.items()
    }


def _ref(schema) -> dict:
    return {"$ref": f"#/components/schemas/{schema.__name__}"}


# Routers that lived in their domain app's ``api.py`` (``cnfs.<app>.api``) before moving
# to ``cnfs.api.<app>``: their operation ids are published (generated clients name their
# methods after them) and keep the old module name.
MOVED_ROUTERS = {
    "activity",
    "candidates",
    "committee",
    "contracts",
    "matching",
    "structures",
    "territories",
}


class Api(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        module = operation.view_func.__module__
        package, _, app = module.rpartition(".")
        if package == "cnfs.api" and app in MOVED_ROUTERS:
            module = f"cnfs.{app}.api"
        return f"{module}_{operation.view_func.__name__}".replace(".", "_")

    def create_response(self, request, data, *, status=None, temporal_response=None):
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        usage = getattr(request, "rate_limit", None)
        if usage is not None:
            for name, value in usage.headers().items():
                response[name] = value
        return response

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in (ErrorOut, ValidationErrorOut):
            for name, definition in (
                model.model_json_schema(ref_template="#/components/schemas/{model}")
                .pop("$defs", {})
                .items()
            ):
                components.setdefault(name, definition)
            components.setdefault(
                model.__name__,
                model.model_json_schema(ref_template="#/components/schemas/{model}"),
            )
        for operations in schema["paths"].values():
            for operation in operations.values():
                errors = dict(COMMON_ERRORS)
                if "requestBody" in operation:
                    errors |= BODY_ERRORS
                if operation.get("security"):
                    errors |= AUTH_ERRORS
                responses = operation.setdefault("responses", {})
                for status, description in errors.items():
                    model = ValidationErrorOut if status == "422" else ErrorOut
                    responses.setdefault(
                        status,
                        {
                            "description": description,
                            "content": {"application/json": {"schema": _ref(model)}},
                        },
                    )
                if "429" in map(str, responses):  # ninja's own keys are integers
                    for status, response in responses.items():
                        too_many = str(status) == "429"
                        headers = RATE_LIMIT_HEADERS | (RETRY_AFTER if too_many else {})
                        response.setdefault("headers", {}).update(_headers(headers))
        return schema
