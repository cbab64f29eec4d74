"""Baseline b: what a Python developer writes with the two usual libraries.

msgpack.packb of a small envelope (name, id, timestamp, content, with a default= hook for
the objects Kytos puts in content), then confluent_kafka.Producer.produce() with a
delivery callback and poll(0) after every event; on BufferError (librdkafka's queue is
full) poll until there is room. Producer settings as kafka_events: acks=all,
enable.idempotence=true, no compression, everything else librdkafka's defaults.
"""

from __future__ import annotations

import datetime
import enum
import uuid
from typing import Any

import confluent_kafka
import msgpack


def _default(obj: Any) -> Any:
    as_dict = getattr(obj, "as_dict", None)
    if callable(as_dict):
        return as_dict()
    if isinstance(obj, (datetime.datetime, datetime.date, datetime.time)):
        return obj.isoformat()
    if isinstance(obj, uuid.UUID):
        return str(obj)
    if isinstance(obj, enum.Enum):
        return obj.value
    if isinstance(obj, (set, frozenset)):
        return list(obj)
    return str(obj)


def encode(event: Any) -> bytes:
    return msgpack.packb({"name": event.name, "id": str(event.id),
                          "timestamp": event.timestamp.isoformat(), "content": event.content},
                         default=_default)


class PythonClient:
    """`await handle(event)` per event; `confirm()` flushes and returns (delivered, failed)."""

    controller = None

    def __init__(self, bootstrap_servers: str, topic: str, compression: str = "none") -> None:
        self.topic = topic
        self.producer = confluent_kafka.Producer({
            "bootstrap.servers": bootstrap_servers,
            "acks": "all",
            "enable.idempotence": True,
            "compression.type": compression,
        })
        self.delivered = 0
        self.failed = 0

    def _on_delivery(self, error: Any, message: Any) -> None:
        if error is None:
            self.delivered += 1
        else:
            self.failed += 1

    async def handle(self, event: Any) -> None:
        payload = encode(event)
        while True:
            try:
                self.producer.produce(self.topic, payload, on_delivery=self._on_delivery)
                break
            except BufferError:
                self.producer.poll(0.05)
        self.producer.poll(0)

    def confirm(self, timeout: float = 300.0) -> tuple[int, int]:
        self.producer.flush(timeout)
        return self.delivered, self.failed
