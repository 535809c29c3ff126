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


def _ref(schema) -> dict:
    return {"$ref": f"#/components/schemas/{schema.__name__}"}


class Api(NinjaAPI):
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
        return schema
