"""The real broker for integration tests: where it is, and reading topics back."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path
from typing import Iterable, Optional

ROOT = Path(__file__).resolve().parents[2]


def bootstrap_servers() -> Optional[str]:
    """EVENT_BRIDGE_KAFKA, else what scripts/kafka.sh reports when a broker is up."""
    found = os.environ.get("EVENT_BRIDGE_KAFKA")
    if found:
        return found
    status = subprocess.run(["bash", str(ROOT / "scripts/kafka.sh"), "status"],
                            capture_output=True, text=True)
    if status.returncode != 0:
        return None
    out = subprocess.run(["bash", str(ROOT / "scripts/kafka.sh"), "bootstrap"],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip() or None


def consume(bootstrap: str, topics: Iterable[str], expected: int, *, timeout: float = 120.0,
            idle: float = 5.0) -> list:
    """Read topics from the beginning until `expected` messages or `idle` quiet seconds.

    Returns (topic, partition, offset, key, value, headers) tuples. Topics may be
    regexes ("^prefix\\..*"). Uses confluent-kafka, a client independent of ours.
    """
    from confluent_kafka import Consumer, KafkaError

    consumer = Consumer({
        "bootstrap.servers": bootstrap,
        "group.id": f"event-bridge-test-{time.monotonic_ns()}",
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
        "topic.metadata.refresh.interval.ms": 1000,
    })
    consumer.subscribe(list(topics))
    messages = []
    deadline = time.monotonic() + timeout
    last = time.monotonic()
    try:
        while len(messages) < expected and time.monotonic() < deadline:
            batch = consumer.consume(num_messages=5000, timeout=0.5)
            if not batch:
                if messages and time.monotonic() - last > idle:
                    break
                continue
            last = time.monotonic()
            for message in batch:
                if message.error():
                    if message.error().code() == KafkaError._PARTITION_EOF:
                        continue
                    raise RuntimeError(f"consumer error: {message.error()}")
                messages.append((message.topic(), message.partition(), message.offset(),
                                 message.key(), message.value(), dict(message.headers() or [])))
        # Anything beyond `expected` would be a duplicate: give it a moment to show up.
        extra = consumer.consume(num_messages=1000, timeout=1.0)
        messages.extend((m.topic(), m.partition(), m.offset(), m.key(), m.value(),
                         dict(m.headers() or [])) for m in extra if not m.error())
    finally:
        consumer.close()
    return messages


def report(line: str) -> None:
    """A result worth reading in CI's log: printed and collected in build/test-summary.txt."""
    print("\n" + line)
    path = ROOT / "build" / "test-summary.txt"
    path.parent.mkdir(exist_ok=True)
    with path.open("a") as out:
        out.write(line + "\n")
