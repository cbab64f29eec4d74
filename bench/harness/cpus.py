"""Which CPU each thread of the dispatch measurement runs on: the deployment, on two CPUs.

On a Kytos host the event loop thread has a core to itself: the bridge's service thread
("eb-service") and librdkafka's threads ("rdk:*") run on other cores, and the broker runs on
another machine. This machine has 2 CPUs shared by all of them, so "pinned" models the
deployment: the loop thread (the measuring process's main thread) alone on the first CPU;
every other thread of that process, every thread of the broker JVM and of the runner
(run.py, whose admin client has librdkafka threads of its own) on the second. "unpinned"
puts every thread back on the CPUs it had. Other processes of the machine are not moved.

Linux: os.sched_setaffinity on thread ids from /proc/<pid>/task. Threads inherit the mask
of the thread that creates them and librdkafka starts threads late (one per broker once
the metadata names it), so `apply` lists the threads again each time it is called.
"""

from __future__ import annotations

import os
import threading
from typing import Iterable, Optional

PINNED = "pinned"
UNPINNED = "unpinned"
PINNED_LABEL = "loop thread alone on CPU {loop}, broker + background threads on CPU {background}"
UNPINNED_LABEL = "unpinned: the loop thread, background threads and broker share every CPU"


def thread_ids(pid: int) -> list:
    """The thread ids of a process ([] once it has ended)."""
    try:
        return [int(tid) for tid in os.listdir(f"/proc/{pid}/task")]
    except OSError:
        return []


def set_process_cpus(pid: int, cpus: Iterable[int]) -> int:
    """Put every thread of process pid on cpus; returns how many threads were moved."""
    cpus = set(cpus)
    moved = 0
    for tid in thread_ids(pid):
        try:
            os.sched_setaffinity(tid, cpus)
            moved += 1
        except ProcessLookupError:
            pass  # the thread ended between the listing and the call
    return moved


def process_cpus(pid: int) -> Optional[set]:
    """The CPU mask of a process's main thread (None if it cannot be read)."""
    try:
        return os.sched_getaffinity(pid)
    except OSError:
        return None


class Placement:
    """Switches this process, the broker and helper processes between the two placements.

    Build it on the loop thread. `apply(PINNED)` / `apply(UNPINNED)` before each run;
    `restore()` at the end (the runner restores the broker and itself too, in case this
    process dies pinned).
    """

    def __init__(self, other_pids: Iterable[Optional[int]] = ()) -> None:
        self.loop_tid = threading.get_native_id()
        self.own_cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
        self.skipped: Optional[str] = None
        if not hasattr(os, "sched_setaffinity") or not os.path.isdir("/proc/self/task"):
            self.skipped = "pinning skipped: no sched_setaffinity or /proc on this system"
        elif len(self.own_cpus) < 2:
            self.skipped = (f"pinning skipped: only {len(self.own_cpus)} CPU usable; the "
                            "unpinned numbers are the only ones")
        self.loop_cpu = self.own_cpus[0] if self.own_cpus else None
        self.background_cpu = self.own_cpus[1] if len(self.own_cpus) > 1 else None
        self.others: dict = {}
        self.not_moved: list = []
        for pid in other_pids if self.usable else ():
            if not pid or pid == os.getpid():
                continue
            mask = process_cpus(pid)
            if mask is None:
                self.not_moved.append(f"pid {pid}: not readable")
            else:
                self.others[pid] = mask

    @property
    def usable(self) -> bool:
        return self.skipped is None

    def placements(self) -> tuple:
        return (PINNED, UNPINNED) if self.usable else (UNPINNED,)

    def label(self, placement: str) -> str:
        if placement == PINNED:
            return PINNED_LABEL.format(loop=self.loop_cpu, background=self.background_cpu)
        return UNPINNED_LABEL

    def apply(self, placement: str) -> None:
        if placement == UNPINNED:
            self.restore()
            return
        if not self.usable:
            raise RuntimeError(self.skipped)
        loop, background = {self.loop_cpu}, {self.background_cpu}
        for tid in thread_ids(os.getpid()):
            try:
                os.sched_setaffinity(tid, loop if tid == self.loop_tid else background)
            except ProcessLookupError:
                pass
        for pid in list(self.others):
            try:
                set_process_cpus(pid, background)
            except PermissionError:
                self.not_moved.append(f"pid {pid}: permission denied")
                del self.others[pid]

    def restore(self) -> None:
        """Every thread back on the CPUs its process had when this placement was built."""
        if self.own_cpus:
            set_process_cpus(os.getpid(), self.own_cpus)
        for pid, mask in self.others.items():
            set_process_cpus(pid, mask)

    def describe(self) -> dict:
        return {
            "cpus": self.own_cpus,
            "pinned": self.usable,
            "skipped": self.skipped,
            "pinned_label": self.label(PINNED) if self.usable else None,
            "unpinned_label": self.label(UNPINNED),
            "loop_cpu": self.loop_cpu if self.usable else None,
            "background_cpu": self.background_cpu if self.usable else None,
            "other_pids_moved": sorted(self.others),
            "not_moved": sorted(set(self.not_moved)),
        }

    def threads(self) -> dict:
        """Thread name -> CPUs of this process's threads now (for the log)."""
        names = {}
        for tid in thread_ids(os.getpid()):
            try:
                with open(f"/proc/self/task/{tid}/comm") as comm:
                    name = comm.read().strip()
                names[f"{name}[{tid}]"] = sorted(os.sched_getaffinity(tid))
            except OSError:
                pass
        return names
