"""napp/openapi.yml is a valid OpenAPI 3 spec and documents every route the NApp registers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

NAPP = Path(__file__).resolve().parents[2] / "napp"


def test_spec_is_valid_openapi():
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate_spec(yaml.safe_load((NAPP / "openapi.yml").read_text()))


def test_every_rest_route_is_documented():
    spec = yaml.safe_load((NAPP / "openapi.yml").read_text())
    source = (NAPP / "main.py").read_text()
    routes = re.findall(r'@rest\("([^"]+)", methods=\["([A-Z]+)"\]\)', source)
    assert len(routes) == 4
    for rule, method in routes:
        path = f"/api/kytos/event_bridge/{rule}"
        assert path in spec["paths"], path
        assert method.lower() in spec["paths"][path], (path, method)
