"""Check real responses against the OpenAPI schema the server publishes."""

from __future__ import annotations

import copy
import re
from typing import Any

import jsonschema


def _strict(node: Any) -> Any:
    """OpenAPI 3.0 → JSON Schema: `nullable`, and no undocumented properties in objects."""
    if isinstance(node, list):
        return [_strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _strict(value) for key, value in node.items()}
    if node.get("type") == "object" and "properties" in node:
        node.setdefault("additionalProperties", False)
    if node.pop("nullable", False):
        if "type" in node and "enum" not in node:
            node["type"] = [node["type"], "null"]
        else:
            node = {"anyOf": [node, {"type": "null"}]}
    return node


class OpenAPIChecker:
    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema
        self.components = _strict(copy.deepcopy(schema.get("components", {})))
        self.routes = [
            (re.compile("^" + re.sub(r"\{[^}]+\}", r"[^/]+", path) + "$"), path)
            for path in schema["paths"]
        ]

    def check(self, method: str, path: str, status: int, body: Any) -> str:
        """Validate one response; returns the operation's path template."""
        template = next((t for pattern, t in self.routes if pattern.match(path)), None)
        assert template is not None, f"{path} is not in the schema"
        operation = self.schema["paths"][template][method.lower()]
        responses = operation["responses"]
        assert str(status) in responses, f"{method} {template} answered {status}, not documented"
        content = responses[str(status)].get("content")
        if content is None:
            assert body in (None, b"", ""), f"{method} {template} {status} should have no body"
            return template
        response_schema = _strict(content["application/json"]["schema"])
        jsonschema.validate(body, {**response_schema, "components": self.components})
        return template
