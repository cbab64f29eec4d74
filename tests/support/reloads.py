"""What the reload tests (tests/integration/test_napp_reload.py, tests/faults fault 5) share:
counting this process's threads and descriptors, a thread that puts events into a Kytos
stand-in while the NApp is reloaded, and a record of which NApp instance Kytos handed each
event to."""

from __future__ import annotations

import gc
import os
import threading
import time
from collections import Counter
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


def process_counts() -> dict:
    """Every thread of this process, by name, twice: the Python threads
    (threading.enumerate()) and the kernel's tasks (/proc/self/task, native threads
    included, whoever started them); and the open descriptors."""
    tasks: Counter = Counter()
    for task in os.listdir("/proc/self/task"):
        try:
            tasks[Path(f"/proc/self/task/{task}/comm").read_text().strip()] += 1
        except OSError:  # the thread ended meanwhile
            continue
    return {"python": Counter(thread.name for thread in threading.enumerate()),
            "tasks": tasks, "fds": open_fds()}


def settled_process_counts(expected: dict = None, timeout: float = 15.0) -> dict:
    """process_counts() once threads that are ending have ended: as soon as they equal
    `expected`, else once two readings 0.5 s apart agree (at most `timeout` s)."""
    gc.collect()
    deadline = time.monotonic() + timeout
    last = process_counts()
    while time.monotonic() < deadline:
        if expected is not None and last == expected:
            return last
        time.sleep(0.5)
        gc.collect()
        now = process_counts()
        if expected is None and now == last:
            return now
        last = now
    return last


class Handovers:
    """Spies on a stand-in controller's dispatch: which NApp instance (by id) each event
    was handed to, exactly, by looking at the listener tasks Kytos created for it
    (alisten_to: one task per listener per event, its coroutine holding the NApp as its
    first argument). `counts[id(napp)]` is how many events that instance was handed;
    `unhandled[name]` how many events of that name reached no instance of the NApp."""

    def __init__(self, controller, napp_name: str = "event_bridge") -> None:
        self.controller, self.napp_name = controller, napp_name
        self.counts: Counter = Counter()
        self.unhandled: Counter = Counter()
        self._notify = controller.notify_listeners
        controller.notify_listeners = self._spy

    def _spy(self, event) -> None:
        before = set(self.controller._alisten_tasks)  # pylint: disable=protected-access
        self._notify(event)
        handed = []
        for task in set(self.controller._alisten_tasks) - before:  # not started yet
            frame = task.get_coro().cr_frame
            args = frame.f_locals.get("args") or (frame.f_locals.get("self"),)
            if getattr(args[0], "name", None) == self.napp_name:
                handed.append(args[0])
        assert len(handed) <= 1, handed
        if handed:
            self.counts[id(handed[0])] += 1
        else:
            self.unhandled[event.name] += 1


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
