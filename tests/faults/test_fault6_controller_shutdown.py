"""Fault 6: Kytos shuts down (stand-in controller.stop_controller(), shutdown() on the loop
thread) with events still buffered because the broker is down: the NApp flushes up to
FLUSH_TIMEOUT; what could not be delivered is logged with its count, the count stats()
gives. And when the broker comes back within FLUSH_TIMEOUT, everything is delivered."""

from __future__ import annotations

import logging
import re
import shutil
import sys
import threading
import time

from faultlib import ROOT, analyse, log, prepare_topics, read_topics, seconds, summary, wait_for

STANDIN = ROOT / "tests" / "support" / "kytos_standin"
if str(STANDIN) not in sys.path:
    sys.path.insert(0, str(STANDIN))

KEY = ("kytos", "event_bridge")
NAPP_LOGGER = "kytos.napps.kytos/event_bridge"
EVENTS = 2000          # put while the broker is down
SHORT_FLUSH = 3.0      # FLUSH_TIMEOUT when the broker stays down


class Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.messages = []

    def emit(self, record):
        self.messages.append((record.levelname, record.getMessage()))


def napp_source(tmp_path, name, bootstrap, verbose, flush_timeout):
    prepare_topics(bootstrap, [verbose, f"{verbose}.napp.kytos.topology",
                               f"{verbose}.napp.kytos.event_bridge"])
    source = tmp_path / name / "event_bridge"
    shutil.copytree(ROOT / "napp", source, ignore=shutil.ignore_patterns("__pycache__"))
    with open(source / "settings.py", "a") as settings:
        settings.write(f"\nBOOTSTRAP_SERVERS = {bootstrap!r}\nVERBOSE_TOPIC = {verbose!r}\n"
                       f"NAPP_TOPIC_PREFIX = {verbose + '.napp.'!r}\n"
                       f"TOPIC_PARTITIONS = 3\nTOPIC_REPLICATION_FACTOR = 1\n"
                       f"FLUSH_TIMEOUT = {flush_timeout!r}\nSOURCE_ID = 'fault6'\n")
    return source


def put(controller, start, count):
    for i in range(start, start + count):
        controller.put_event("kytos/topology.link_up", {"link": {"id": f"link-{i % 64}"}, "n": i})
    controller.wait_idle(timeout=60)


def run_shutdown(controller, cluster, restart_broker):
    """Events delivered, broker stopped, EVENTS put (buffered), then stop_controller();
    the broker is started again meanwhile when restart_broker. Returns the NApp, its final
    stats, how long stop_controller() took and what the NApp logged."""
    capture = Capture()
    logger = logging.getLogger(NAPP_LOGGER)
    logger.addHandler(capture)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    try:
        napp = controller.napps[KEY]
        bridge = napp._bridge
        put(controller, 0, 200)
        assert bridge.flush(60) == 0, bridge.stats()
        cluster.stop()
        assert wait_for(lambda: bridge.stats()["connection"] == "down", 30), bridge.stats()
        put(controller, 200, EVENTS)
        before = bridge.stats()
        assert before["delivered"] < before["published"] * 2, before
        starter = None
        if restart_broker:
            starter = threading.Thread(target=cluster.start, name="broker-start")
            starter.start()
        started = time.monotonic()
        controller.stop_controller()
        took = time.monotonic() - started
        if starter:
            starter.join(120)
        return napp, napp._stats(), took, capture.messages
    finally:
        logger.removeHandler(capture)
        logger.setLevel(old_level)


def test_controller_shutdown_with_events_buffered(kafka, run_id, tmp_path):
    from standin_host import make_controller, teardown_controller

    cluster = kafka(nodes=1)

    # 1. The broker comes back while shutdown() flushes: everything is delivered.
    verbose_a = f"{run_id}.a.events"
    controller = make_controller(tmp_path / "a", napp_source(tmp_path, "a", cluster.bootstrap,
                                                             verbose_a, 60.0))
    try:
        napp_a, stats_a, took_a, logged_a = run_shutdown(controller, cluster, restart_broker=True)
    finally:
        teardown_controller(controller)
    assert napp_a._shutdown_thread == controller.loop_thread.name  # Kytos: on the loop thread
    records_a = analyse(read_topics(cluster.bootstrap, [verbose_a]))
    published_a = stats_a["published"]
    summary("fault6a shutdown, broker back within FLUSH_TIMEOUT", published=published_a,
            delivered=records_a.unique, duplicated=records_a.duplicates,
            dropped=sum(stats_a["dropped"].values()), recovery=seconds(took_a),
            extra="recovery = stop_controller() duration (broker start + flush), "
                  f"FLUSH_TIMEOUT 60 s; logged: {[m for _, m in logged_a if 'shut down' in m]}")
    assert stats_a["dropped"] == {"buffer_full": 0, "closed": 0, "after_close": 0}, stats_a
    assert stats_a["delivered"] == stats_a["produced"] == 2 * published_a, stats_a
    assert records_a.duplicates == 0
    assert records_a.seqs[stats_a["instance"]] >= set(range(1, 200 + EVENTS + 1))
    assert any(level == "INFO" and "none left" in message for level, message in logged_a), logged_a

    # 2. The broker stays down: flushed up to FLUSH_TIMEOUT, the rest logged with its count.
    cluster.start()
    verbose_b = f"{run_id}.b.events"
    controller = make_controller(tmp_path / "b", napp_source(tmp_path, "b", cluster.bootstrap,
                                                             verbose_b, SHORT_FLUSH))
    try:
        napp_b, stats_b, took_b, logged_b = run_shutdown(controller, cluster, restart_broker=False)
    finally:
        teardown_controller(controller)
    cluster.start()
    records_b = analyse(read_topics(cluster.bootstrap, [verbose_b]))
    left = stats_b["dropped"]["closed"]
    warnings = [m for level, m in logged_b if level == "WARNING" and "left undelivered" in m]
    summary("fault6b shutdown, broker down", published=stats_b["published"],
            delivered=records_b.unique, duplicated=records_b.duplicates,
            dropped=sum(stats_b["dropped"].values()), recovery="n/a",
            extra=f"stop_controller() took {took_b:.2f} s with FLUSH_TIMEOUT {SHORT_FLUSH} s; "
                  f"{left} records left undelivered; logged: {warnings}")
    assert SHORT_FLUSH <= took_b < SHORT_FLUSH + 5, took_b
    assert len(warnings) == 1, logged_b
    logged_left = int(re.search(r"(\d+) left undelivered", warnings[0]).group(1))
    # The count logged is the count in stats: every record of the events put while the
    # broker was down (2 topics each), none silently.
    assert logged_left == left == 2 * EVENTS, (logged_left, stats_b["dropped"])
    assert stats_b["delivered"] + left == 2 * stats_b["published"], stats_b
    assert records_b.unique == stats_b["published"] - EVENTS and records_b.duplicates == 0
    log(f"shutdown with the broker down: {left} undelivered, logged as {logged_left}")
