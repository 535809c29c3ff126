ENDPOINTS = {
    ("post", "/api/v1/structures/applications"),
    ("get", "/api/v1/structures"),
    ("get", "/api/v1/structures/{structure_id}"),
    ("get", "/api/v1/structures/{structure_id}/decisions"),
    ("get", "/api/v1/committee/sessions"),
    ("get", "/api/v1/committee/sessions/{number}/items"),
    ("post", "/api/v1/committee/items/{item_id}/decision"),
    ("get", "/api/v1/territories/figures"),
    ("get", "/api/v1/communes"),
    ("post", "/api/v1/candidates/applications"),
    ("get", "/api/v1/structures/{structure_id}/proposals"),
    ("get", "/api/v1/recruitments"),
}


def operations(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return {
        (method, path): operation
        for path, methods in response.json()["paths"].items()
        for method, operation in methods.items()
    }


def test_every_endpoint_is_documented_in_french(client, db):
    documented = operations(client)
    assert set(documented) >= ENDPOINTS
    for key in ENDPOINTS:
        assert documented[key]["summary"], key
        assert documented[key]["description"], key


def test_only_the_public_endpoints_need_no_session(client, db):
    public = {key for key, op in operations(client).items() if not op.get("security")}
    assert public == {
        ("post", "/api/v1/structures/applications"),
        ("post", "/api/v1/candidates/applications"),
        ("get", "/api/v1/communes"),
    }
