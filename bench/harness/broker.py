"""The benchmark's own Kafka broker: scripts/kafka.sh on separate ports and directory.

The broker lives in build/kafka-bench and listens on 127.0.0.1:29092 (controller 29192),
so it never collides with the test suite's broker (build/kafka, 19092). Override with
BENCH_KAFKA_HOME_DIR and BENCH_KAFKA_BASE_PORT.
"""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from pathlib import Path
from typing import Iterable, Optional


class BenchBroker:
    """Start, stop and inspect the single-node bench broker."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.home = Path(os.environ.get("BENCH_KAFKA_HOME_DIR", root / "build" / "kafka-bench"))
        self.base_port = int(os.environ.get("BENCH_KAFKA_BASE_PORT", "29092"))
        self.bootstrap = f"127.0.0.1:{self.base_port}"
        self.started_here = False

    # --------------------------------------------------------------- lifecycle

    def _script(self, *args: str, check: bool = True, quiet: bool = True) -> subprocess.CompletedProcess:
        env = dict(os.environ, KAFKA_HOME_DIR=str(self.home), KAFKA_BASE_PORT=str(self.base_port))
        result = subprocess.run(["bash", str(self.root / "scripts" / "kafka.sh"), *args], env=env,
                                capture_output=True, text=True)
        if check and result.returncode != 0:
            raise RuntimeError(f"scripts/kafka.sh {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        if not quiet:
            print(result.stdout.strip())
        return result

    def running(self) -> bool:
        return self._script("status", check=False).returncode == 0

    def ensure_running(self) -> None:
        """Start the broker unless it already runs; remember whether we started it."""
        if self.running():
            return
        self._script("fetch")
        self._script("start")
        self.started_here = True

    def start(self) -> float:
        """Start (again); returns the seconds it took to be ready."""
        began = time.monotonic()
        self._script("start")
        return time.monotonic() - began

    def stop(self) -> float:
        began = time.monotonic()
        self.close_admin()
        self._script("stop", check=False)
        return time.monotonic() - began

    # --------------------------------------------------------------- inspection

    @property
    def data_dir(self) -> Path:
        return self.home / "node1" / "data"

    def pid(self) -> Optional[int]:
        try:
            return int((self.home / "node1" / "pid").read_text().strip())
        except (OSError, ValueError):
            return None

    def cpu_seconds(self) -> Optional[float]:
        """User + system CPU seconds the broker JVM has used so far."""
        pid = self.pid()
        return process_cpu_seconds(pid) if pid is not None else None

    def topic_log_bytes(self, topic: str) -> int:
        """Bytes of record batches the broker stored for the topic: its *.log segment files."""
        total = 0
        for directory in self.data_dir.glob(f"{topic}-*"):
            if directory.name.rsplit("-", 1)[0] != topic:
                continue
            for segment in directory.glob("*.log"):
                total += segment.stat().st_size
        return total

    # --------------------------------------------------------------- topics and counts

    def _admin(self):
        """One admin client for the broker's lifetime (its futures die with it)."""
        from confluent_kafka.admin import AdminClient
        if getattr(self, "_admin_client", None) is None:
            self._admin_client = AdminClient({"bootstrap.servers": self.bootstrap})
        return self._admin_client

    def close_admin(self) -> None:
        """Drop the admin client (before stopping the broker: it would log reconnects)."""
        self._admin_client = None

    def delete_leftovers(self, prefix: str = "bench-") -> None:
        """Delete topics earlier runs left behind (a run stopped half-way, the outage topic)."""
        names = self._admin().list_topics(timeout=30).topics
        self.delete_topics([t for t in names if t.startswith(prefix)])

    def create_topics(self, topics: Iterable[str], partitions: int = 3) -> None:
        """Create the topics (3 partitions, replication 1) and wait until they exist."""
        from confluent_kafka.admin import NewTopic
        topics = list(topics)
        if not topics:
            return
        futures = self._admin().create_topics(
            [NewTopic(t, num_partitions=partitions, replication_factor=1) for t in topics],
            operation_timeout=30)
        for topic, future in futures.items():
            try:
                future.result(60)
            except Exception as exc:  # noqa: BLE001 - an existing topic is fine
                if "TOPIC_ALREADY_EXISTS" not in str(exc):
                    raise

    def delete_topics(self, topics: Iterable[str]) -> None:
        topics = list(topics)
        if not topics:
            return
        for future in self._admin().delete_topics(topics, operation_timeout=30).values():
            try:
                future.result(60)
            except Exception:  # noqa: BLE001 - cleanup only
                pass

    def count_records(self, topic: str, timeout: float = 120.0) -> int:
        """Read the topic from the beginning with a consumer and count the records."""
        from confluent_kafka import Consumer, KafkaError, TopicPartition
        consumer = Consumer({
            "bootstrap.servers": self.bootstrap,
            "group.id": f"bench-count-{uuid.uuid4()}",
            "enable.auto.commit": False,
            "auto.offset.reset": "earliest",
            "enable.partition.eof": True,
            "fetch.max.bytes": 52428800,
            "max.partition.fetch.bytes": 10485760,
        })
        try:
            metadata = consumer.list_topics(topic, timeout=30)
            partitions = sorted(metadata.topics[topic].partitions)
            consumer.assign([TopicPartition(topic, p, 0) for p in partitions])
            at_end: set = set()
            count = 0
            deadline = time.monotonic() + timeout
            while len(at_end) < len(partitions) and time.monotonic() < deadline:
                for message in consumer.consume(num_messages=10000, timeout=1.0):
                    error = message.error()
                    if error is None:
                        count += 1
                        at_end.discard(message.partition())
                    elif error.code() == KafkaError._PARTITION_EOF:
                        at_end.add(message.partition())
                    else:
                        raise RuntimeError(f"consuming {topic}: {error}")
            return count
        finally:
            consumer.close()


def process_cpu_seconds(pid: int) -> Optional[float]:
    """User + system CPU seconds of any process, from /proc/<pid>/stat."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def unique_topic(prefix: str) -> str:
    """A topic name no earlier run used."""
    return f"{prefix}-{time.strftime('%H%M%S')}-{uuid.uuid4().hex[:6]}"
