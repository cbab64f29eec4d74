"""20 NApp reloads in a row against the real broker while events flow: nothing leaks, nothing lost."""

from __future__ import annotations

import shutil
import sys
import time
from collections import defaultdict
from pathlib import Path

import msgpack

from tests.support.kafka import consume, report
from tests.support.reloads import EventFlow, settled_counts

ROOT = Path(__file__).resolve().parents[2]
STANDIN = ROOT / "tests" / "support" / "kytos_standin"
if str(STANDIN) not in sys.path:
    sys.path.insert(0, str(STANDIN))

RELOADS = 20
KEY = ("kytos", "event_bridge")


def test_twenty_reloads_while_events_flow(bootstrap, run_id, tmp_path):
    from standin_host import make_controller, teardown_controller

    source = tmp_path / "src" / "event_bridge"
    shutil.copytree(ROOT / "napp", source, ignore=shutil.ignore_patterns("__pycache__"))
    verbose = f"{run_id}.events"
    with open(source / "settings.py", "a") as settings:
        settings.write(f"\nBOOTSTRAP_SERVERS = {bootstrap!r}\nVERBOSE_TOPIC = {verbose!r}\n"
                       f"NAPP_TOPICS_ENABLED = False\nTOPIC_PARTITIONS = 2\n"
                       f"TOPIC_REPLICATION_FACTOR = 1\nFLUSH_TIMEOUT = 30.0\n")

    controller = make_controller(tmp_path, source)
    try:
        # Warm up once so that pools and caches that legitimately persist exist.
        first = controller.napps[KEY]
        assert controller.rest_reload_napp("kytos", "event_bridge") == 200
        finished = [first]  # NApps; their counters are read at the end
        threads_before, fds_before = settled_counts()

        with EventFlow(controller, every=200, pause=0.01) as flow:
            for _ in range(RELOADS):
                old = controller.napps[KEY]
                time.sleep(0.1)
                assert controller.rest_reload_napp("kytos", "event_bridge") == 200
                assert old._bridge is None
                finished.append(old)
        controller.wait_idle()
        last = controller.napps[KEY]
        assert last._bridge.flush(30) == 0
        finished.append(last)
        # One bridge is running now, as before: the same native threads and descriptors.
        threads_after, fds_after = settled_counts()
        assert threads_after == threads_before, (threads_after, threads_before)
        assert fds_after == fds_before, (fds_after, fds_before)
    finally:
        teardown_controller(controller)

    # Every event each bridge instance accepted was delivered, in order, with no gap.
    # Read now, not at reload time: events Kytos handed to an old NApp after its shutdown()
    # returned are counted by its closed bridge too (dropped.after_close).
    finished = [napp._stats() for napp in finished]
    published = {s["instance"]: s["published"] for s in finished}
    assert len(published) == RELOADS + 2
    for stats in finished:
        assert stats["delivered"] == stats["published"], stats
        assert stats["dropped"]["buffer_full"] == stats["dropped"]["closed"] == 0, stats
    total = sum(published.values())
    assert total > 1000, f"only {total} events flowed during {RELOADS} reloads"
    messages = consume(bootstrap, [verbose], total)
    seqs = defaultdict(list)
    for _, partition, offset, key, value, _ in sorted(messages, key=lambda m: (m[1], m[2])):
        envelope = msgpack.unpackb(value, raw=False)
        seqs[envelope["instance"]].append(envelope["seq"])
    assert set(seqs) <= set(published)
    for instance, count in published.items():
        assert sorted(seqs.get(instance, [])) == list(range(1, count + 1)), instance
    report(f"reload: {RELOADS} reloads while {flow.sent} events were put: {total} published across "
          f"{len(published)} bridge instances, all delivered; native threads {sum(threads_before.values())}, "
          f"fds {fds_before} before and after")
