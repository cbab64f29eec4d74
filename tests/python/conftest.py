"""Fixtures shared by the Python tier."""

from __future__ import annotations

import pytest

from event_bridge.testing import MockCluster


@pytest.fixture(scope="module")
def cluster():
    """An in-process mock cluster per test module, shared by the tests that leave it
    healthy; each uses topics of its own."""
    with MockCluster() as mock:
        yield mock
