"""Helpers of the fault tier: our own Kafka cluster, paced publishing, exact read-back.

The fault tests break a REAL Kafka started by scripts/kafka.sh, in a home directory and on
ports of their own (build/kafka-faults, 31092...), so they never touch the integration
broker (19092) or the benchmark's (29092).
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional

import msgpack

ROOT = Path(__file__).resolve().parents[2]
KAFKA_SH = ROOT / "scripts" / "kafka.sh"
HOME = Path(os.environ.get("EVENT_BRIDGE_FAULTS_KAFKA_HOME", ROOT / "build" / "kafka-faults"))
BASE_PORT = int(os.environ.get("EVENT_BRIDGE_FAULTS_KAFKA_PORT", "31092"))
SUMMARY_FILE = ROOT / "build" / "fault-summary.txt"
GAP_NAME = "kytos/event_bridge.gap"

# Variables of scripts/kafka.sh that must never leak in from the caller's environment.
_KAFKA_SH_VARS = ("KAFKA_HOME_DIR", "KAFKA_BASE_PORT", "KAFKA_AUTO_CREATE", "KAFKA_EXTRA_CONFIG",
                  "KAFKA_STOP_TIMEOUT")
# After a node was SIGKILLed, the survivors of a 3-node cluster wait out their controlled
# shutdown; our data is throw-away, so 10 s of grace is plenty.
STOP_TIMEOUT = "10"


def log(message: str) -> None:
    print(f"[faults {time.strftime('%H:%M:%S')}] {message}", flush=True)


# ------------------------------------------------------------------ the cluster


class KafkaCluster:
    """One shape of our own cluster, driven through scripts/kafka.sh."""

    _fetched = False

    def __init__(self, nodes: int = 1, auto_create: bool = True) -> None:
        self.nodes = nodes
        self.auto_create = auto_create
        self.started = False

    @property
    def bootstrap(self) -> str:
        return ",".join(f"127.0.0.1:{BASE_PORT + i}" for i in range(self.nodes))

    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if k not in _KAFKA_SH_VARS}
        env.update(KAFKA_HOME_DIR=str(HOME), KAFKA_BASE_PORT=str(BASE_PORT),
                   KAFKA_AUTO_CREATE="true" if self.auto_create else "false",
                   KAFKA_STOP_TIMEOUT=STOP_TIMEOUT)
        return env

    def run(self, *args: str, timeout: float = 300) -> float:
        """Runs scripts/kafka.sh ARGS; returns the seconds it took; raises with its output."""
        started = time.monotonic()
        done = subprocess.run(["bash", str(KAFKA_SH), *args], env=self.env(), capture_output=True,
                              text=True, timeout=timeout)
        took = time.monotonic() - started
        if done.returncode != 0:
            raise RuntimeError(f"scripts/kafka.sh {' '.join(args)} failed ({done.returncode}):\n"
                               f"{done.stdout}\n{done.stderr}")
        log(f"kafka.sh {' '.join(args)}: {took:.1f} s")
        return took

    def fetch(self) -> None:
        if not KafkaCluster._fetched:
            self.run("fetch", timeout=900)
            KafkaCluster._fetched = True

    def start(self) -> float:
        self.fetch()
        try:
            took = self.run("start", "--nodes", str(self.nodes))
        except RuntimeError as exc:
            # scripts/kafka.sh can lose track of a JVM it just launched (see orphans()):
            # end such orphans, then try once more.
            if not self.kill_orphans():
                raise
            log(f"retrying start after: {exc}")
            took = self.run("start", "--nodes", str(self.nodes))
        self.started = True
        return took

    def stop(self) -> float:
        took = self.run("stop", timeout=120)
        self.kill_orphans()
        return took

    @staticmethod
    def orphans() -> list:
        """Pids of JVMs running one of OUR nodes (build/kafka-faults/node<i>/server.properties)
        that scripts/kafka.sh no longer tracks. It loses one when its readiness check runs
        before the forked child has exec'd java (the pid's cmdline is still bash's): it then
        reports "exited during startup", its clean-up finds "not running" and deletes the pid
        file, and the JVM starts anyway, holding our ports."""
        found = []
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            for node in range(1, 10):
                if f"kafka.Kafka {HOME}/node{node}/server.properties" in cmdline:
                    pidfile = HOME / f"node{node}" / "pid"
                    tracked = pidfile.exists() and pidfile.read_text().strip() == pid
                    if not tracked:
                        found.append(int(pid))
        return found

    def kill_orphans(self) -> bool:
        pids = self.orphans()
        for pid in pids:
            log(f"killing orphaned Kafka JVM {pid} of {HOME} (lost by scripts/kafka.sh)")
            try:
                os.kill(pid, 9)
            except ProcessLookupError:
                pass
        if pids:
            wait_for(lambda: not any(Path(f"/proc/{p}").exists() for p in pids), 15, 0.05)
            ports = [BASE_PORT + i for i in range(9)] + [BASE_PORT + 100 + i for i in range(9)]
            wait_for(lambda: not any(port_open(p) for p in ports), 15, 0.05)
        return bool(pids)

    def kill(self, node: int) -> float:
        took = self.run("kill", str(node))
        # `kill` returns once /proc no longer shows the JVM's command line, which happens
        # before the kernel has closed all of a dying JVM's sockets: `start-node` right
        # after it can then fail with "port ... already in use". Wait for the ports.
        ports = (BASE_PORT + node - 1, BASE_PORT + 100 + node - 1)
        if not wait_for(lambda: not any(port_open(p) for p in ports), 15, 0.02):
            raise RuntimeError(f"ports {ports} of killed node {node} still open after 15 s")
        return took

    def start_node(self, node: int) -> float:
        started = time.monotonic()
        try:
            return self.run("start-node", str(node))
        except RuntimeError as exc:
            # The same race as in orphans(): "exited during startup" while the JVM starts.
            # start-node leaves the pid file, so the node is tracked; wait for it.
            log(f"start-node {node} reported failure, waiting for the node itself: {exc}")
            port = BASE_PORT + node - 1
            if not wait_for(lambda: self.node_running(node) and port_open(port), 120, 0.1):
                raise
            return time.monotonic() - started

    def node_running(self, node: int) -> bool:
        done = subprocess.run(["bash", str(KAFKA_SH), "status"], env=self.env(),
                              capture_output=True, text=True)
        return f"node {node}: running" in done.stdout

    def status(self) -> str:
        done = subprocess.run(["bash", str(KAFKA_SH), "status"], env=self.env(),
                              capture_output=True, text=True)
        return done.stdout


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def create_topics(bootstrap: str, specs: Iterable[tuple], timeout: float = 30) -> None:
    """specs: (name, partitions, replication_factor, config dict). Returns once every
    partition has a leader that answers (see prepare_topics)."""
    from confluent_kafka import Consumer, TopicPartition
    from confluent_kafka.admin import AdminClient, NewTopic

    specs = list(specs)
    admin = AdminClient({"bootstrap.servers": bootstrap})
    new = [NewTopic(name, num_partitions=p, replication_factor=rf, config=config or {})
           for name, p, rf, config in specs]
    for name, future in admin.create_topics(new, operation_timeout=timeout).items():
        future.result(timeout)
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "faults-probe",
                         "log_level": 3})
    try:
        for name, partitions, _, _ in specs:
            for partition in range(partitions):
                _watermarks(consumer, TopicPartition(name, partition))
    finally:
        consumer.close()


def prepare_topics(bootstrap: str, names: Iterable[str], partitions: int = 3,
                   replication_factor: int = 1, config: Optional[dict] = None) -> None:
    """Creates the topics a test's bridge will produce to and waits until every partition's
    leader answers, BEFORE the bridge's first record, so that a test measures the fault it
    injects rather than topic set-up. (With more than one request in flight, librdkafka
    could report delivered a first record the leader being set up had refused: the
    bridge's max.in.flight.requests.per.connection=1 default prevents it, proved by
    test_fault8_slow_broker.py::test_a_batch_the_broker_refused_is_never_reported_delivered.)
    The bridge's own topic creation still runs (and finds the topics there)."""
    create_topics(bootstrap, [(name, partitions, replication_factor, config or {})
                              for name in names])


def topic_metadata(bootstrap: str, topic: str, timeout: float = 10):
    """{partition: (leader, replicas, isrs)}"""
    from confluent_kafka.admin import AdminClient

    metadata = AdminClient({"bootstrap.servers": bootstrap}).list_topics(topic, timeout=timeout)
    described = metadata.topics[topic]
    if described.error is not None:
        raise RuntimeError(f"{topic}: {described.error}")
    return {p: (m.leader, list(m.replicas), list(m.isrs)) for p, m in described.partitions.items()}


# ------------------------------------------------------------------ reading back


@dataclass
class Record:
    topic: str
    partition: int
    offset: int
    key: Optional[bytes]
    envelope: dict


def read_topics(bootstrap: str, topics: Iterable[str], timeout: float = 180) -> list:
    """EVERY record of the topics, from offset 0 to the high watermark of each partition.

    Exact, not idle-based: the watermarks are taken first, and reading stops when every
    partition reached its watermark, so a duplicate can never hide behind a time-out.
    """
    from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, TopicPartition

    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"faults-{time.monotonic_ns()}",
                         "enable.auto.commit": False, "enable.partition.eof": False,
                         "fetch.wait.max.ms": 50, "log_level": 3})
    try:
        assignment, high = [], {}
        for topic in topics:
            metadata = consumer.list_topics(topic, timeout=15)
            for partition in sorted(metadata.topics[topic].partitions):
                tp = TopicPartition(topic, partition, OFFSET_BEGINNING)
                low, hi = _watermarks(consumer, tp)
                if hi > 0:
                    assignment.append(tp)
                    high[(topic, partition)] = hi
        records = []
        if not assignment:
            return records
        consumer.assign(assignment)
        position = {k: 0 for k in high}
        deadline = time.monotonic() + timeout
        while any(position[k] < high[k] for k in high):
            if time.monotonic() > deadline:
                missing = {k: high[k] - position[k] for k in high if position[k] < high[k]}
                raise TimeoutError(f"read_topics: still behind after {timeout} s: {missing}")
            for message in consumer.consume(num_messages=10000, timeout=0.5):
                if message.error():
                    if message.error().code() == KafkaError._PARTITION_EOF:
                        continue
                    raise RuntimeError(f"consumer error: {message.error()}")
                k = (message.topic(), message.partition())
                position[k] = message.offset() + 1
                if message.offset() < high[k]:
                    records.append(Record(message.topic(), message.partition(), message.offset(),
                                          message.key(),
                                          msgpack.unpackb(message.value(), raw=False,
                                                          strict_map_key=False)))
        return records
    finally:
        consumer.close()


def _watermarks(consumer, tp, timeout: float = 60) -> tuple:
    """(low, high) of a partition; right after a broker (re)start it may have no leader yet
    (NOT_LEADER_FOR_PARTITION, LEADER_NOT_AVAILABLE): ask again until it has."""
    from confluent_kafka import KafkaException

    deadline = time.monotonic() + timeout
    while True:
        try:
            return consumer.get_watermark_offsets(tp, timeout=15)
        except KafkaException as exc:
            if time.monotonic() > deadline or not exc.args[0].retriable() and \
                    exc.args[0].code() not in _NOT_READY_ERRORS:
                raise
            time.sleep(0.5)


# NOT_LEADER_FOR_PARTITION, LEADER_NOT_AVAILABLE, UNKNOWN_TOPIC_OR_PART, and librdkafka's
# _UNKNOWN_PARTITION while its metadata does not show a just-created topic yet.
_NOT_READY_ERRORS = (6, 5, 3, -190)


@dataclass
class Analysis:
    events: int = 0            # records that are not gap records
    unique: int = 0            # distinct (instance, seq) among them
    duplicates: int = 0
    seqs: dict = field(default_factory=dict)   # instance -> set of seqs
    gap_records: list = field(default_factory=list)
    order_violations: list = field(default_factory=list)
    key_partitions: dict = field(default_factory=dict)  # key -> set of partitions

    def missing(self, instance: str, last_seq: int) -> list:
        have = self.seqs.get(instance, set())
        gap_seqs = {g["seq"] for g in self.gap_records if g["instance"] == instance}
        return [s for s in range(1, last_seq + 1) if s not in have and s not in gap_seqs]


def analyse(records: list) -> Analysis:
    """Loss, duplicates, per-key order within each partition, gap records."""
    result = Analysis()
    seen: Counter = Counter()
    by_partition = defaultdict(list)
    for r in records:
        env = r.envelope
        if env["name"] == GAP_NAME:
            result.gap_records.append(env)
            continue
        result.events += 1
        seen[(env["instance"], env["seq"])] += 1
        result.seqs.setdefault(env["instance"], set()).add(env["seq"])
        by_partition[(r.topic, r.partition)].append((r.offset, env["seq"], env["instance"], r.key))
        if r.key is not None:
            result.key_partitions.setdefault((r.topic, r.key), set()).add(r.partition)
    result.unique = len(seen)
    result.duplicates = result.events - result.unique
    # seq orders the events of one bridge instance; another instance starts again at 1.
    for (topic, partition), rows in by_partition.items():
        last = {}
        for offset, seq, instance, key in sorted(rows):
            if key is None:
                continue
            if seq <= last.get((instance, key), 0):
                result.order_violations.append((topic, partition, offset, key, seq,
                                                last[(instance, key)]))
            last[(instance, key)] = max(seq, last.get((instance, key), 0))
    return result


# ------------------------------------------------------------------ publishing and watching


def link_event(i: int) -> dict:
    """A small keyed event: 64 links, so each link's history is on one partition, in order."""
    return {"link": {"id": f"link-{i % 64}", "status": "UP" if i % 2 else "DOWN"}, "n": i}


class PacedPublisher(threading.Thread):
    """Publishes at `rate` events/s from a thread of its own until stop() (or `limit` events).

    Like Kytos's loop, it calls the bridge's publish directly; outcomes are counted, and kept
    per event when `keep_outcomes`.
    """

    def __init__(self, publish: Callable, rate: float, *, name: str = "kytos/topology.link_up",
                 make_content: Callable[[int], dict] = link_event, limit: Optional[int] = None,
                 keep_outcomes: bool = False, start_index: int = 0) -> None:
        super().__init__(name="paced-publisher", daemon=True)
        self.publish, self.rate, self.event_name = publish, rate, name
        self.make_content, self.limit = make_content, limit
        self.index = start_index
        self.outcomes: Counter = Counter()
        self.per_event: list = [] if keep_outcomes else None
        self._halt = threading.Event()
        self.started_at = self.ended_at = 0.0
        self.error: Optional[BaseException] = None

    def run(self) -> None:
        try:
            self.started_at = time.monotonic()
            sent = 0
            while not self._halt.is_set() and (self.limit is None or sent < self.limit):
                due = int((time.monotonic() - self.started_at) * self.rate) + 1
                if self.limit is not None:
                    due = min(due, self.limit)
                while sent < due:
                    outcome = self.publish(self.event_name, self.make_content(self.index))
                    self.outcomes[outcome] += 1
                    if self.per_event is not None:
                        self.per_event.append(outcome)
                    self.index += 1
                    sent += 1
                time.sleep(0.001)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.error = exc
        finally:
            self.ended_at = time.monotonic()

    @property
    def sent(self) -> int:
        return sum(self.outcomes.values())

    @property
    def achieved_rate(self) -> float:
        return self.sent / max(self.ended_at - self.started_at, 1e-9)

    def stop(self) -> None:
        self._halt.set()
        self.join(60)
        if self.error:
            raise self.error


class StatsSampler(threading.Thread):
    """Samples bridge.stats() every `period` s: (t, delivered, buffered, in_flight, connection)."""

    def __init__(self, bridge, period: float = 0.005) -> None:
        super().__init__(name="stats-sampler", daemon=True)
        self.bridge, self.period = bridge, period
        self.samples: list = []
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            s = self.bridge.stats()
            self.samples.append((time.monotonic(), s["delivered"], s["buffered_events"],
                                 s["in_flight"], s["connection"]))
            time.sleep(self.period)

    def stop(self) -> None:
        self._halt.set()
        self.join(10)

    def delivered_at(self, t: float) -> int:
        value = 0
        for when, delivered, *_ in self.samples:
            if when > t:
                break
            value = delivered
        return value

    def first_delivery_after(self, t: float) -> Optional[float]:
        """Seconds from t to the first sample whose delivered count grew past its value at t."""
        base = self.delivered_at(t)
        for when, delivered, *_ in self.samples:
            if when > t and delivered > base:
                return when - t
        return None

    def longest_stall(self, t_from: float) -> tuple:
        """(start, end) of the longest stretch after t_from in which `delivered` did not grow:
        start is the last sample before it stalled, end the first sample where it grew again."""
        best = (None, None)
        last_growth_t, last_d = None, None
        for when, delivered, *_ in self.samples:
            if when < t_from:
                last_growth_t, last_d = when, delivered
                continue
            if last_d is None:
                last_growth_t, last_d = when, delivered
                continue
            if delivered != last_d:
                if best[0] is None or when - last_growth_t > best[1] - best[0]:
                    best = (last_growth_t, when)
                last_growth_t, last_d = when, delivered
        return best

    def backlog(self, t_from: float, t_to: float) -> int:
        """The largest buffered + in-flight count sampled in [t_from, t_to]."""
        return max((b + f for when, _, b, f, _ in self.samples if t_from <= when <= t_to),
                   default=0)

    def backlog_cleared_after(self, t: float, threshold: int) -> Optional[float]:
        """Seconds from t until buffered + in flight fell to `threshold` or below."""
        for when, _, buffered, in_flight, _ in self.samples:
            if when > t and buffered + in_flight <= threshold:
                return when - t
        return None

    def drained_after(self, t: float) -> Optional[float]:
        """Seconds from t until nothing was buffered or in flight."""
        for when, _, buffered, in_flight, _ in self.samples:
            if when > t and buffered == 0 and in_flight == 0:
                return when - t
        return None


def wait_for(predicate: Callable[[], bool], timeout: float, period: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(period)
    return predicate()


def percentile(values: list, q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def median(values: list) -> float:
    return statistics.median(values)


# ------------------------------------------------------------------ the summary

SUMMARIES: list = []


def summary(test: str, *, published, delivered, duplicated, dropped, recovery: str,
            extra: str = "") -> str:
    """One line per fault test: printed, collected for pytest's terminal summary, appended
    to build/fault-summary.txt (with a time stamp) and to build/test-summary.txt."""
    line = (f"{test}: published={published} delivered={delivered} duplicated={duplicated} "
            f"dropped={dropped} recovery={recovery}" + (f" | {extra}" if extra else ""))
    SUMMARIES.append(line)
    try:  # also into build/test-summary.txt, which scripts/test.sh prints at the end
        from tests.support.kafka import report
        report(line)
    except ImportError:
        print("\n" + line, flush=True)
    SUMMARY_FILE.parent.mkdir(parents=True, exist_ok=True)
    with open(SUMMARY_FILE, "a") as out:
        out.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {line}\n")
    return line


def seconds(value: Optional[float]) -> str:
    return "n/a" if value is None else f"{value:.2f}s"
