def field_errors(response) -> dict:
    """{field: message} of a 422 answer (the field is the last element of ``loc``)."""
    assert response.status_code == 422, response.content
    return {error["loc"][-1]: error["msg"] for error in response.json()["detail"]}
