"""Fault tier: issue 4's fault tests 1-8 against a REAL Kafka that these fixtures start,
break and stop (scripts/kafka.sh), in a home and on ports of their own:

    KAFKA_HOME_DIR=<repo>/build/kafka-faults   KAFKA_BASE_PORT=31092 (controllers 31192...)

so the integration broker (19092, build/kafka) and the benchmark's (29092) are never
touched. EVENT_BRIDGE_KAFKA (the integration broker) is ignored here on purpose.
Override with EVENT_BRIDGE_FAULTS_KAFKA_HOME / EVENT_BRIDGE_FAULTS_KAFKA_PORT.
"""

from __future__ import annotations

import atexit
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
for path in (ROOT, HERE):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import faultlib  # noqa: E402

_live: list = []  # clusters that may be running, stopped at exit whatever happened


@atexit.register
def _stop_everything() -> None:
    for cluster in _live:
        try:
            cluster.stop()
        except Exception:  # noqa: BLE001 - exit must go on
            pass


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/faults" in str(item.fspath):
            item.add_marker(pytest.mark.faults)


def pytest_configure(config):
    config.addinivalue_line("markers", "faults: breaks a real Kafka started by tests/faults")


@pytest.fixture
def kafka():
    """kafka(nodes=1, auto_create=True, start=True) -> KafkaCluster, started (or known to be
    stopped with start=False). Whatever the test does, every node is stopped afterwards."""
    clusters = []

    def make(nodes: int = 1, auto_create: bool = True, start: bool = True):
        cluster = faultlib.KafkaCluster(nodes=nodes, auto_create=auto_create)
        cluster.fetch()
        # A cluster left by an earlier test or an aborted run would be reused by `start`
        # with its old settings (auto-create): always begin from a stopped one.
        cluster.stop()
        clusters.append(cluster)
        _live.append(cluster)
        if start:
            cluster.start()
        return cluster

    yield make
    for cluster in clusters:
        try:
            cluster.stop()
        finally:
            if cluster in _live:
                _live.remove(cluster)


@pytest.fixture
def run_id() -> str:
    """A topic prefix of its own for each test, so data of earlier runs never counts."""
    return f"ft-{uuid.uuid4().hex[:10]}"


def pytest_terminal_summary(terminalreporter):
    if faultlib.SUMMARIES:
        terminalreporter.section("fault summary (also appended to build/fault-summary.txt)")
        for line in faultlib.SUMMARIES:
            terminalreporter.write_line(line)
