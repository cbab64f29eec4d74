"""20 NApp reloads in a row against the real broker while events flow: nothing leaks, nothing lost."""

from __future__ import annotations

import shutil
import sys
import time
from collections import defaultdict
from pathlib import Path

import msgpack

from tests.support.kafka import consume, report
from tests.support.reloads import EventFlow, Handovers, settled_process_counts

ROOT = Path(__file__).resolve().parents[2]
STANDIN = ROOT / "tests" / "support" / "kytos_standin"
if str(STANDIN) not in sys.path:
    sys.path.insert(0, str(STANDIN))

RELOADS = 20
KEY = ("kytos", "event_bridge")
FLOW = "kytos/mef_eline.created"


def write_settings(source: Path, base: str, *, bridge: bool) -> None:
    """settings.py = the shipped file + the test's settings; without `bridge`, an invalid
    FLUSH_TIMEOUT keeps the NApp disabled before any native object exists."""
    extra = "" if bridge else "FLUSH_TIMEOUT = -1.0\n"
    (source / "settings.py").write_text(base + extra)


def test_twenty_reloads_while_events_flow(bootstrap, run_id, tmp_path):
    from standin_host import make_controller, teardown_controller

    source = tmp_path / "src" / "event_bridge"
    shutil.copytree(ROOT / "napp", source, ignore=shutil.ignore_patterns("__pycache__"))
    verbose = f"{run_id}.events"
    base = ((source / "settings.py").read_text()
            + f"\nBOOTSTRAP_SERVERS = {bootstrap!r}\nVERBOSE_TOPIC = {verbose!r}\n"
              f"NAPP_TOPICS_ENABLED = False\nTOPIC_PARTITIONS = 2\n"
              f"TOPIC_REPLICATION_FACTOR = 1\nFLUSH_TIMEOUT = 30.0\n")
    write_settings(source, base, bridge=False)

    controller = make_controller(tmp_path, source)
    try:
        handovers = Handovers(controller)
        # The baseline is taken before the first bridge exists, with the NApp loaded but
        # disabled, after one reload so that what Kytos itself keeps (its loop, the worker
        # thread a reload runs in) exists: every thread of the process, not only ours.
        assert controller.rest_reload_napp("kytos", "event_bridge") == 200
        assert controller.napps[KEY]._bridge is None
        controller.wait_idle()
        no_bridge = settled_process_counts()

        write_settings(source, base, bridge=True)
        assert controller.rest_reload_napp("kytos", "event_bridge") == 200
        first = controller.napps[KEY]
        assert first._bridge is not None
        finished = [first]  # NApps with a bridge; their counters are read at the end
        controller.wait_idle()
        one_bridge = settled_process_counts()
        assert one_bridge["python"] == no_bridge["python"], (one_bridge, no_bridge)

        with EventFlow(controller, every=200, pause=0.01) as flow:
            for _ in range(RELOADS):
                old = controller.napps[KEY]
                time.sleep(0.1)
                assert controller.rest_reload_napp("kytos", "event_bridge") == 200
                assert old._bridge is None
                finished.append(controller.napps[KEY])
        controller.wait_idle()
        last = controller.napps[KEY]
        assert last._bridge.flush(30) == 0
        # One bridge is running now, as after the first: the same threads and descriptors.
        after = settled_process_counts(one_bridge)
        assert after == one_bridge, (after, one_bridge)

        # The last bridge closed: back to the process before any bridge existed.
        write_settings(source, base, bridge=False)
        assert controller.rest_reload_napp("kytos", "event_bridge") == 200
        assert controller.napps[KEY]._bridge is None and last._bridge is None
        controller.wait_idle()
        closed = settled_process_counts(no_bridge)
        assert closed == no_bridge, (closed, no_bridge)
    finally:
        teardown_controller(controller)

    # Read now, not at reload time: events Kytos handed to an old NApp after its shutdown()
    # returned are counted by its closed bridge too (dropped.after_close).
    stats = [(napp, napp._stats()) for napp in finished]
    published = {s["instance"]: s["published"] for _, s in stats}
    assert len(published) == RELOADS + 1
    for napp, s in stats:
        # Every event handed to this instance is accounted for: published, filtered, or
        # counted as arriving once its bridge was closing or closed.
        assert handovers.counts[id(napp)] == s["received"], (handovers.counts[id(napp)], s)
        assert s["received"] == s["published"] + s["filtered"] + s["dropped"]["after_close"], s
        assert s["delivered"] == s["published"], s  # one topic: one record per event
        assert s["dropped"]["buffer_full"] == s["dropped"]["closed"] == 0, s
        assert s["failed_terminal"] == 0, s
    total = sum(published.values())
    assert total > 1000, f"only {total} events flowed during {RELOADS} reloads"
    messages = consume(bootstrap, [verbose], total)
    seqs = defaultdict(list)
    flow_delivered = 0
    for _, partition, offset, key, value, _ in sorted(messages, key=lambda m: (m[1], m[2])):
        envelope = msgpack.unpackb(value, raw=False)
        seqs[envelope["instance"]].append(envelope["seq"])
        flow_delivered += envelope["name"] == FLOW
    assert set(seqs) <= set(published)
    for instance, count in published.items():
        assert sorted(seqs.get(instance, [])) == list(range(1, count + 1)), instance
    # Every event put is delivered, counted by a closed bridge, or was put while Kytos had
    # no NApp loaded (between unload and load; Kytos hands those to nobody).
    after_close = sum(s["dropped"]["after_close"] for _, s in stats)
    unhandled = handovers.unhandled[FLOW]
    assert flow_delivered + after_close + unhandled == flow.sent, \
        (flow_delivered, after_close, unhandled, flow.sent)
    report(f"reload: {RELOADS} reloads while {flow.sent} events were put: {flow_delivered} "
           f"delivered across {len(published)} bridge instances, {after_close} counted after "
           f"close, {unhandled} put while Kytos had the NApp unloaded; threads "
           f"{sum(no_bridge['tasks'].values())} without a bridge (Python: "
           f"{dict(no_bridge['python'])}), {sum(one_bridge['tasks'].values())} with one "
           f"({dict(one_bridge['tasks'] - no_bridge['tasks'])} more), the same before and "
           f"after; fds {no_bridge['fds']} / {one_bridge['fds']}")
