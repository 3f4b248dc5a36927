"""The OpenAPI schema is a product: valid, warning-free, complete, and browsable offline."""

import pytest
from django.core.management import call_command


def test_schema_is_valid_and_generates_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    for path in (
        "/api/v1/auth/telegram/",
        "/api/v1/auth/bot/",
        "/api/v1/auth/token/",
        "/api/v1/me/",
        "/api/v1/sessions/",
        "/api/v1/sessions/{session_id}/",
        "/api/v1/sessions/{session_id}/answers/",
        "/api/v1/sessions/{session_id}/hints/",
        "/api/v1/streak/",
        "/api/v1/progress/",
        "/api/v1/guardian-code/",
    ):
        assert f"{path}:" in text
    assert "studentToken" in text and "serviceApiKey" in text


@pytest.mark.django_db
def test_schema_and_docs_are_served_without_a_cdn(client):
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200 and schema.json()["info"]["title"] == "Dars API"
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "swagger-ui" in page and "cdn.jsdelivr" not in page and "unpkg" not in page
