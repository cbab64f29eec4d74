"""Baseline a: the kytos-ng/kafka_events NApp's per-event path, rebuilt with its semantics.

Source: kytos-ng/kafka_events @ fa8960a (CONTRACT.md section 9): main.py handle_events,
managers/kafka/handler.py KafkaManager.send, _producer.py Producer.send_data,
_serializer.py JSONSerializer/JSONObjectEncoder, settings.py, aiokafka==0.12.0.

Per event, on the event loop: the blocked patterns are re.search()ed, the value is
json.dumps({"event": name, "message": content}, cls=<encoder>) with the encoder's
default() fallback (as_dict(), primitives, set -> list, dict(vars(o)), str(o) on
AttributeError/TypeError; the whole content as default(content) if dumps raises
ValueError), encoded to UTF-8, and `await asyncio.wait_for(producer.send(topic, value), 10)`.
The producer: acks="all", enable_idempotence=True, linger_ms=0, max_batch_size=64 KiB,
max_request_size=5 MiB and no compression (COMPRESSION_TYPE is defined but never passed).

The one addition for the benchmark: the delivery future that send() returns (which
kafka_events drops) is kept, so that every record can be confirmed at the end.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from typing import Any, Optional

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

LOG = logging.getLogger("bench.kafka_events")

BLOCKED_PATTERNS = (
    "kytos/of_core.v0x04.messages.*",
    "kytos/flow_manager.messages.out.*",
    "kytos/of_lldp.messages.out.*",
    "kytos/core.openflow.raw.*",
)
KAFKA_TIMELIMIT = 10
PRODUCER_SETTINGS = {
    "acks": "all",
    "enable_idempotence": True,
    "linger_ms": 0,
    "max_batch_size": 64 * 1024,
    "max_request_size": 5 * 1024 * 1024,
}


class ObjectEncoder(json.JSONEncoder):
    """kafka_events' JSONObjectEncoder: how objects inside event content become JSON."""

    def default(self, o: Any) -> Any:
        try:
            if callable(getattr(o, "as_dict", None)):
                return o.as_dict()
            if isinstance(o, (str, int, float, bytes, bool, type(None))):
                return o
            if isinstance(o, set):
                return list(o)
            return dict(vars(o).items())
        except (AttributeError, TypeError):
            return str(o)
        except Exception:  # noqa: BLE001 - kafka_events defers to JSONEncoder here
            return super().default(o)


def serialize_and_encode(event_name: str, content: Any) -> bytes:
    """JSONSerializer.serialize_and_encode."""
    try:
        text = json.dumps({"event": event_name, "message": content}, cls=ObjectEncoder)
    except ValueError:
        text = json.dumps({"event": event_name, "message": ObjectEncoder().default(content)})
    return text.encode()


class KafkaEvents:
    """The NApp's handler with its producer. Build, `await start()`, then call
    `await handle_events(event)` per event (wrap it with alisten_to to dispatch it)."""

    controller = None

    def __init__(self, bootstrap_servers: str, topic: str, *, keep_futures: bool = True) -> None:
        self.topic = topic
        self._producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers, **PRODUCER_SETTINGS)
        self._blocked = [re.compile(pattern) for pattern in BLOCKED_PATTERNS]
        self._initialized = False
        self._lock: Optional[asyncio.Lock] = None
        self.keep_futures = keep_futures
        self.futures: list = []
        self.errors = 0

    async def start(self) -> None:
        """Producer.initialize_producer."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            if self._initialized:
                return
            await asyncio.wait_for(self._producer.start(), KAFKA_TIMELIMIT)
            self._initialized = True

    async def handle_events(self, event: Any) -> None:
        """main.py handle_events: the deny list, then KafkaManager.send."""
        for pattern in self._blocked:
            if pattern.search(event.name):
                return
        await self.send(event)

    async def send(self, event: Any) -> None:
        """KafkaManager.send and Producer.send_data."""
        event_name = event.name
        try:
            encoded = serialize_and_encode(event_name, event.content)
            if getattr(self._producer, "_closed", None) is True:
                return
            if not (getattr(self._producer, "_closed", None) is False and self._initialized):
                await self.start()
            future = await asyncio.wait_for(self._producer.send(self.topic, encoded),
                                            KAFKA_TIMELIMIT)
            if self.keep_futures:
                self.futures.append(future)
        except asyncio.TimeoutError as exc:
            LOG.error("Producer tried publishing %s [id: %s, timestamp: %s] but timed out: %s",
                      event_name, event.id, event.timestamp, exc)
            self.errors += 1
        except KafkaError as exc:
            LOG.error("Publishing to Kafka failed: %s", exc)
            self.errors += 1

    async def confirm(self) -> tuple[int, int]:
        """Wait for every kept delivery future: (delivered, failed)."""
        futures, self.futures = self.futures, []
        results = await asyncio.gather(*futures, return_exceptions=True)
        failed = sum(1 for result in results if isinstance(result, BaseException))
        return len(results) - failed, failed

    async def stop(self) -> None:
        await self._producer.stop()
