"""Process crash (docs/GUARANTEES.md): the process that runs the bridge is killed with
SIGKILL while events are buffered and in flight. What a flush() had confirmed survives;
what was only in memory is lost without a gap record; consumers see that instance's seq
stop short, and the next bridge start under a new instance id with seq 1."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap

import event_bridge
from faultlib import analyse, log, prepare_topics, read_topics, summary

CONFIRMED = 2000     # published and flushed before the crash
UNCONFIRMED = 50_000  # published right before the crash, not waited for

CHILD = textwrap.dedent("""
    import json, os, signal, sys
    import event_bridge
    bootstrap, verbose, confirmed, unconfirmed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    bridge = event_bridge.Bridge(bootstrap_servers=bootstrap, verbose_topic=verbose,
                                 napp_topics_enabled=False, topic_partitions=3,
                                 topic_replication_factor=1, source_id="crash")
    for i in range(confirmed):
        bridge.publish("kytos/topology.link_up", {"link": {"id": f"link-{i % 64}"}, "n": i})
    left = bridge.flush(60)
    for i in range(confirmed, confirmed + unconfirmed):
        bridge.publish("kytos/topology.link_up", {"link": {"id": f"link-{i % 64}"}, "n": i})
    stats = bridge.stats()
    print(json.dumps({"instance": bridge.instance, "left": left, "last_seq": stats["last_seq"],
                      "delivered": stats["delivered"]}), flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
""")


def test_process_crash_loses_only_what_was_in_memory(kafka, run_id):
    cluster = kafka(nodes=1)
    verbose = f"{run_id}.events"
    prepare_topics(cluster.bootstrap, [verbose])
    child = subprocess.run([sys.executable, "-c", CHILD, cluster.bootstrap, verbose,
                            str(CONFIRMED), str(UNCONFIRMED)], capture_output=True, text=True,
                           timeout=120)
    assert child.returncode == -signal.SIGKILL, child.stderr[-2000:]
    crashed = json.loads(child.stdout.strip().splitlines()[-1])
    assert crashed["left"] == 0 and crashed["last_seq"] == CONFIRMED + UNCONFIRMED, crashed

    # The controller comes back: a new bridge, a new instance, seq from 1 again.
    with event_bridge.Bridge(bootstrap_servers=cluster.bootstrap, verbose_topic=verbose,
                             napp_topics_enabled=False, source_id="crash") as bridge:
        for i in range(100):
            bridge.publish("kytos/topology.link_up", {"link": {"id": f"link-{i % 64}"}})
        assert bridge.flush(60) == 0
        restarted = bridge.instance

    result = analyse(read_topics(cluster.bootstrap, [verbose]))
    old = result.seqs[crashed["instance"]]
    lost = CONFIRMED + UNCONFIRMED - len(old)
    summary("process crash (SIGKILL of the bridge's process)", published=CONFIRMED + UNCONFIRMED,
            delivered=len(old), duplicated=result.duplicates, dropped=f"{lost} (unreported)",
            recovery="n/a",
            extra=f"{CONFIRMED} confirmed by flush() before the crash all delivered; of "
                  f"{UNCONFIRMED} published just before it {len(old) - CONFIRMED} made it; "
                  f"highest seq delivered {max(old)}; no gap record")
    log(f"crash: {lost} events lost with the process")
    assert set(range(1, CONFIRMED + 1)) <= old, "an event confirmed by flush() was lost"
    assert old <= set(range(1, CONFIRMED + UNCONFIRMED + 1))
    assert result.duplicates == 0 and result.order_violations == []
    assert result.gap_records == []  # nobody was left to write one
    assert lost > 0  # what was only in memory died with the process
    assert result.seqs[restarted] == set(range(1, 101))
