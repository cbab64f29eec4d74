"""Integration tier: a real Apache Kafka broker started by scripts/kafka.sh."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.support.kafka import bootstrap_servers  # noqa: E402


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/integration" in str(item.fspath):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def bootstrap() -> str:
    found = bootstrap_servers()
    if not found:
        pytest.fail("no Kafka broker: run `scripts/kafka.sh start` (or scripts/test.sh), "
                    "or set EVENT_BRIDGE_KAFKA=host:port")
    return found


@pytest.fixture
def run_id() -> str:
    """A topic prefix of its own for each test, so old data never counts."""
    return f"it-{uuid.uuid4().hex[:10]}"
