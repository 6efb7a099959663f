"""The API's schema at /api/v1/openapi.json (CONTRACT.md section 6)."""

PATHS = [
    "/api/v1/children",
    "/api/v1/children/{child_id}",
    "/api/v1/households",
    "/api/v1/households/{household_id}",
    "/api/v1/providers",
    "/api/v1/providers/{provider_id}",
    "/api/v1/policy",
    "/api/v1/policy/due",
    "/api/v1/policy/approver",
]


def test_schema_loads_without_a_token_and_lists_every_path(client, db):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Hearth API"
    assert set(PATHS) <= set(schema["paths"])


def test_schema_asks_for_a_bearer_token(client, db):
    schema = client.get("/api/v1/openapi.json").json()

    assert schema["components"]["securitySchemes"]["BearerToken"] == {
        "type": "http",
        "scheme": "bearer",
    }
    assert schema["paths"]["/api/v1/children"]["get"]["security"] == [{"BearerToken": []}]


def test_schema_documents_paging_and_rule_names(client, db):
    schema = client.get("/api/v1/openapi.json").json()

    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/children"]["get"]["parameters"]}
    assert parameters["limit"]["schema"]["default"] == 50
    assert parameters["limit"]["schema"]["maximum"] == 200
    due_parameters = schema["paths"]["/api/v1/policy/due"]["get"]["parameters"]
    rule = next(p for p in due_parameters if p["name"] == "rule")
    assert "stability_minutes" in rule["schema"]["enum"]


def test_there_is_no_docs_page(client, db):
    assert client.get("/api/v1/docs").status_code == 404
