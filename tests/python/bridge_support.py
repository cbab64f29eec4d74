"""Shared helpers for the Python tier: mock-cluster bridges and a consumer that reads them back."""

from __future__ import annotations

import sys
import time
import uuid
from pathlib import Path
from typing import Any

import msgpack
from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition

import event_bridge
from event_bridge.testing import MockCluster

SUPPORT = Path(__file__).resolve().parents[1] / "support"
if str(SUPPORT) not in sys.path:
    sys.path.insert(0, str(SUPPORT))

# Kafka protocol error codes used with MockCluster.push_request_errors.
REQUEST_TIMED_OUT = 7
MESSAGE_TOO_LARGE = 10


def unpack(data: bytes) -> Any:
    """The independent MessagePack decoder, as a consumer in any language would read it."""
    return msgpack.unpackb(data, raw=False, strict_map_key=False)


def unique_topic(prefix: str = "t") -> str:
    """A topic name of its own, so that tests can share one mock cluster."""
    return f"{prefix}.{uuid.uuid4().hex[:12]}"


def make_bridge(cluster: MockCluster, **overrides: Any) -> event_bridge.Bridge:
    """A bridge on the mock cluster. The mock has no CreateTopics, so no topic creation."""
    overrides.setdefault("bootstrap_servers", cluster.bootstrap_servers)
    overrides.setdefault("create_topics", False)
    overrides.setdefault("source_id", "test-controller")
    return event_bridge.Bridge(**overrides)


def consume(cluster: MockCluster, topic: str, count: int, timeout: float = 15.0,
            settle: float = 0.3) -> list:
    """Every message of `topic` from the beginning: waits for `count`, then `settle` seconds
    more so that surplus messages are seen too. Returns confluent_kafka Message objects."""
    consumer = Consumer({
        "bootstrap.servers": cluster.bootstrap_servers,
        "group.id": f"test-{uuid.uuid4()}",
        "enable.auto.commit": False,
        "log_level": 3,
        "fetch.wait.max.ms": 10,
    })
    try:
        metadata = consumer.list_topics(topic, timeout=10)
        partitions = sorted(metadata.topics[topic].partitions)
        assert partitions, f"topic {topic} has no partitions"
        consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in partitions])
        messages = []
        deadline = time.monotonic() + timeout
        settle_until = None
        while True:
            now = time.monotonic()
            if len(messages) >= count and settle_until is None:
                settle_until = now + settle
            if now >= deadline or (settle_until is not None and now >= settle_until):
                break
            for message in consumer.consume(num_messages=10000, timeout=0.1):
                if message.error() is None:
                    messages.append(message)
        return messages
    finally:
        consumer.close()


def envelopes(messages: list) -> list:
    """Decoded envelopes (independent decoder), ordered by seq."""
    return sorted((unpack(m.value()) for m in messages), key=lambda e: e["seq"])
