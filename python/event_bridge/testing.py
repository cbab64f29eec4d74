"""Test helpers: librdkafka's in-process mock cluster, for fault injection and demos."""

from __future__ import annotations

from typing import Any

from event_bridge import _core


class MockCluster:
    """An in-process Kafka mock cluster (librdkafka's), as a context manager.

    Not a real broker: integration tests use scripts/kafka.sh. Use it to inject errors a
    real broker cannot produce on demand, and as the demo's embedded default.
    """

    # Kafka protocol API keys for push_request_errors.
    PRODUCE = 0
    METADATA = 3

    def __init__(self, brokers: int = 1) -> None:
        self._cluster = _core.MockCluster(brokers)
        self.brokers = brokers

    @property
    def bootstrap_servers(self) -> str:
        return self._cluster.bootstrap_servers

    def push_request_errors(self, api_key: int, *error_codes: int) -> None:
        """The next requests of that API get these Kafka error codes, in order."""
        self._cluster.push_request_errors(api_key, list(error_codes))

    def set_broker_down(self, broker_id: int = 1) -> None:
        self._cluster.set_broker_down(broker_id)

    def set_broker_up(self, broker_id: int = 1) -> None:
        self._cluster.set_broker_up(broker_id)

    def set_broker_rtt(self, broker_id: int, rtt_ms: int) -> None:
        self._cluster.set_broker_rtt(broker_id, rtt_ms)

    def create_topic(self, topic: str, partitions: int = 1, replication_factor: int = 1) -> None:
        self._cluster.create_topic(topic, partitions, replication_factor)

    def close(self) -> None:
        self._cluster = None

    def __enter__(self) -> "MockCluster":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
