"""Fault 5: 50 NApp reloads in a row while events flow, broker up: no loss, no leaked
native threads or file descriptors. Reloads go through the Kytos stand-in's real
GET /api/kytos/core/reload/kytos/event_bridge/ (shutdown() on a worker thread)."""

from __future__ import annotations

import shutil
import sys
import threading
import time

from faultlib import ROOT, analyse, log, prepare_topics, read_topics, summary, wait_for
from tests.support.reloads import EventFlow, settled_counts

STANDIN = ROOT / "tests" / "support" / "kytos_standin"
if str(STANDIN) not in sys.path:
    sys.path.insert(0, str(STANDIN))

RELOADS = 50
KEY = ("kytos", "event_bridge")


def test_fifty_reloads_while_events_flow(kafka, run_id, tmp_path):
    from standin_host import make_controller, teardown_controller

    cluster = kafka(nodes=1)
    source = tmp_path / "src" / "event_bridge"
    shutil.copytree(ROOT / "napp", source, ignore=shutil.ignore_patterns("__pycache__"))
    verbose = f"{run_id}.events"
    prepare_topics(cluster.bootstrap, [verbose])
    with open(source / "settings.py", "a") as settings:
        settings.write(f"\nBOOTSTRAP_SERVERS = {cluster.bootstrap!r}\nVERBOSE_TOPIC = {verbose!r}\n"
                       f"NAPP_TOPICS_ENABLED = False\nTOPIC_PARTITIONS = 3\n"
                       f"TOPIC_REPLICATION_FACTOR = 1\nFLUSH_TIMEOUT = 30.0\n"
                       f"SOURCE_ID = 'fault5'\n")

    controller = make_controller(tmp_path, source)
    reload_times = []
    # Which NApp instance Kytos hands each event to (None: the NApp was unloaded then).
    dispatched = {}
    notify = controller.notify_listeners

    def spy(event):
        if event.name == "kytos/mef_eline.created":
            napps = [getattr(listener, "__self__", None)
                     for listener in controller.events_listeners.get(".*", [])]
            napps = [napp for napp in napps if napp is not None]
            dispatched[event.content["n"]] = id(napps[0]) if napps else None
        notify(event)

    controller.notify_listeners = spy
    try:
        # One reload first, so that what legitimately persists (pools, caches) exists.
        first = controller.napps[KEY]
        assert controller.rest_reload_napp("kytos", "event_bridge") == 200
        finished = [first]  # NApps; their counters are read at the end
        controller.wait_idle()
        threads_before, fds_before = settled_counts()

        with EventFlow(controller, every=100, pause=0.005) as flow:
            for _ in range(RELOADS):
                old = controller.napps[KEY]
                time.sleep(0.1)
                started = time.monotonic()
                assert controller.rest_reload_napp("kytos", "event_bridge") == 200
                reload_times.append(time.monotonic() - started)
                assert old._bridge is None and old._shutdown_thread != controller.loop_thread.name
                finished.append(old)
        controller.wait_idle()
        last = controller.napps[KEY]
        assert last._bridge.flush(30) == 0
        finished.append(last)
        threads_after, fds_after = settled_counts()
    finally:
        teardown_controller(controller)

    # Read now, not at reload time: events Kytos handed to an old NApp after its shutdown()
    # returned are counted by its closed bridge too (dropped.after_close).
    finished = [napp._stats() for napp in finished]
    published = {s["instance"]: s["published"] for s in finished}
    total = sum(published.values())
    records = read_topics(cluster.bootstrap, [verbose])
    result = analyse(records)
    lost = sum(count - len(result.seqs.get(instance, ())) for instance, count in published.items())
    # The events put that no bridge published: Kytos handed them to no NApp (it was
    # unloaded), or to the old NApp after its shutdown() had begun, which drops them.
    delivered_n = {r.envelope["content"]["n"] for r in records
                   if r.envelope["name"] == "kytos/mef_eline.created"}
    unpublished = [n for n in range(flow.sent) if n not in delivered_n]
    while_unloaded = sum(1 for n in unpublished if dispatched.get(n) is None)
    after_close = sum(s["dropped"]["after_close"] for s in finished)
    during_shutdown = len(unpublished) - while_unloaded
    summary(f"fault5 {RELOADS} NApp reloads", published=total, delivered=result.unique,
            duplicated=result.duplicates,
            dropped=sum(sum(s["dropped"].values()) for s in finished), recovery="n/a",
            extra=f"{flow.sent} events put, {len(published)} bridge instances, {len(unpublished)} "
                  f"put but never published ({while_unloaded} while Kytos had the NApp "
                  f"unloaded, {during_shutdown} handed to an old NApp during its shutdown() by the "
                  f"listener list when put; counted by the bridges: {after_close}); "
                  f"reload took "
                  f"{min(reload_times):.2f}..{max(reload_times):.2f} s; native threads "
                  f"{sum(threads_before.values())} -> {sum(threads_after.values())}, fds "
                  f"{fds_before} -> {fds_after}")

    # One bridge runs now, as before: the same native threads, the same descriptors.
    assert threads_after == threads_before, (threads_after, threads_before)
    assert threads_after.get("eb-service") == 1
    assert fds_after == fds_before, (fds_after, fds_before)
    # Every event each instance accepted was delivered, once, in order per key; no gap.
    assert len(published) == RELOADS + 2
    for stats in finished:
        assert stats["delivered"] == stats["published"], stats
        assert stats["dropped"]["buffer_full"] == stats["dropped"]["closed"] == 0, stats
        assert stats["failed_terminal"] == 0
        # Every event Kytos handed to this instance is accounted for: published, filtered,
        # or counted as arriving after close() began (read after the last reload, so those
        # that came after shutdown() returned are in it too).
        assert stats["received"] == (stats["published"] + stats["filtered"]
                                     + stats["dropped"]["after_close"]), stats
    assert total > 2000, f"only {total} events flowed during {RELOADS} reloads"
    assert set(result.seqs) <= set(published)
    for instance, count in published.items():
        assert result.seqs.get(instance, set()) == set(range(1, count + 1)), instance
    assert lost == 0 and result.duplicates == 0
    assert result.order_violations == []
    # Per partition, one instance's records all come before the next instance's.
    order = {instance: i for i, instance in enumerate(published)}
    last_instance = {}
    for r in sorted(records, key=lambda r: (r.partition, r.offset)):
        index = order[r.envelope["instance"]]
        assert index >= last_instance.get(r.partition, 0), (r.partition, r.offset)
        last_instance[r.partition] = index
    log(f"{RELOADS} reloads: {total} events over {len(published)} instances, all delivered")


def test_events_handed_to_the_napp_during_shutdown_are_not_lost_silently(tmp_path):
    """Deterministic: no broker (nothing listens on port 1), so shutdown() spends its whole
    FLUSH_TIMEOUT flushing, and the events put meanwhile reach the old NApp's on_event."""
    from standin_host import make_controller, teardown_controller

    source = tmp_path / "src" / "event_bridge"
    shutil.copytree(ROOT / "napp", source, ignore=shutil.ignore_patterns("__pycache__"))
    with open(source / "settings.py", "a") as settings:
        settings.write("\nBOOTSTRAP_SERVERS = '127.0.0.1:1'\nFLUSH_TIMEOUT = 2.0\n")
    controller = make_controller(tmp_path, source)
    try:
        old = controller.napps[KEY]
        handed = []
        notify = controller.notify_listeners

        def spy(event):
            if any(getattr(listener, "__self__", None) is old
                   for listener in controller.events_listeners.get(".*", [])):
                handed.append(event.name)
            notify(event)

        controller.notify_listeners = spy
        received_before = old._bridge.stats()["received"]
        for i in range(10):
            controller.put_event("kytos/mef_eline.created", {"evc_id": f"evc{i}"})
        controller.wait_idle()
        reload = threading.Thread(target=controller.rest_reload_napp,
                                  args=("kytos", "event_bridge"))
        reload.start()
        assert wait_for(lambda: old._bridge is None, 10), "shutdown() did not begin"
        for i in range(100):
            controller.put_event("kytos/mef_eline.created", {"evc_id": f"evc{i}"})
        controller.wait_idle()
        reload.join(30)
        assert not reload.is_alive()
        final = old._stats()
    finally:
        teardown_controller(controller)
    log(f"handed to the old NApp: {len(handed)} events; its bridge received "
        f"{final['received'] - received_before}")
    assert len(handed) == 110, handed
    # Every event Kytos handed to this NApp is accounted for by its bridge.
    assert final["received"] - received_before == len(handed), final
