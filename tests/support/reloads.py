"""What the reload tests (tests/integration/test_napp_reload.py, tests/faults fault 5) share:
counting this process's native threads and descriptors, and a thread that puts events into
a Kytos stand-in while the NApp is reloaded."""

from __future__ import annotations

import gc
import os
import threading
import time
from pathlib import Path


def native_threads() -> dict:
    """Threads librdkafka (rdk:*) and the bridge (eb-*) run in this process, by name."""
    names: dict = {}
    for task in os.listdir("/proc/self/task"):
        try:
            name = Path(f"/proc/self/task/{task}/comm").read_text().strip()
        except OSError:
            continue
        if name.startswith(("rdk:", "eb-")):
            names[name] = names.get(name, 0) + 1
    return names


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def settled_counts() -> tuple:
    """(native threads by name, open fds) once garbage from earlier tests (Kafka clients of
    the test helpers run rdk: threads too) has been collected."""
    gc.collect()
    time.sleep(0.5)
    return native_threads(), open_fds()


class EventFlow:
    """Puts `kytos/mef_eline.created` events {"evc_id", "n"} (n = 0, 1, 2...) into the
    controller from a thread of its own, pausing `pause` s every `every` events, until
    stop(). `sent` is how many were put."""

    def __init__(self, controller, every: int = 100, pause: float = 0.005, evcs: int = 50):
        self.controller, self.every, self.pause, self.evcs = controller, every, pause, evcs
        self.sent = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="event-flow")

    def _run(self) -> None:
        while not self._stop.is_set():
            self.controller.put_event("kytos/mef_eline.created",
                                      {"evc_id": f"evc{self.sent % self.evcs}", "n": self.sent})
            self.sent += 1
            if self.sent % self.every == 0:
                time.sleep(self.pause)

    def __enter__(self) -> "EventFlow":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(30)
