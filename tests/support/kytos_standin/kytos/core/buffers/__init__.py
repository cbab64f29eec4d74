"""Event buffers with the behaviour of kytos.core.buffers (janus-based).

Each buffer has a sync side usable from any thread (``put`` blocks while the
buffer is full, ``put(timeout=)`` raises ``queue.Full``) and an async side
used on the controller loop (``aput``/``aget``).  FIFO, or a heap ordered by
``KytosEvent.__lt__`` (priority, timestamp) for msg_in/msg_out.  After a
``kytos/core.shutdown`` event a buffer silently drops new events.
"""
import asyncio
import heapq
import logging
import queue
import threading
from collections import deque
from typing import Optional

from kytos.core.events import KytosEvent

LOG = logging.getLogger("kytos.core.buffers")

__all__ = ("KytosBuffers", "KytosEventBuffer", "HybridQueue")


class HybridQueue:
    """The part of a ``janus.Queue`` / ``janus.PriorityQueue`` Kytos uses."""

    def __init__(self, maxsize: int = 0, priority: bool = False):
        self.maxsize = maxsize
        self._priority = priority
        self._items = [] if priority else deque()
        self._mutex = threading.Lock()
        self._not_full = threading.Condition(self._mutex)
        self._not_empty = threading.Condition(self._mutex)
        self._loop = None
        self._async_not_empty = None
        self._async_not_full = None

    # -- helpers (call with the mutex held where it matters) --
    def _full(self):
        return 0 < self.maxsize <= len(self._items)

    def _push(self, item):
        if self._priority:
            heapq.heappush(self._items, item)
        else:
            self._items.append(item)

    def _pop(self):
        if self._priority:
            return heapq.heappop(self._items)
        return self._items.popleft()

    def _bind(self):
        loop = asyncio.get_running_loop()
        if self._loop is None:
            self._loop = loop
            self._async_not_empty = asyncio.Event()
            self._async_not_full = asyncio.Event()
        elif self._loop is not loop:
            raise RuntimeError("this buffer is bound to another event loop")

    def _wake(self, which: str):
        loop = self._loop
        if loop is None:
            return
        event = getattr(self, which)
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            event.set()
            return
        try:
            loop.call_soon_threadsafe(event.set)
        except RuntimeError:  # loop closed: nobody is waiting any more
            pass

    # -- sync side --
    def put(self, item, timeout: Optional[float] = None):
        """Put from any thread; block while full (queue.Full on timeout)."""
        with self._not_full:
            if not self._not_full.wait_for(lambda: not self._full(), timeout):
                raise queue.Full
            self._push(item)
            self._not_empty.notify()
        self._wake("_async_not_empty")

    def get(self, timeout: Optional[float] = None):
        """Get from any thread; block while empty (queue.Empty on timeout)."""
        with self._not_empty:
            if not self._not_empty.wait_for(lambda: bool(self._items),
                                            timeout):
                raise queue.Empty
            item = self._pop()
            self._not_full.notify()
        self._wake("_async_not_full")
        return item

    # -- async side (controller loop) --
    async def aput(self, item):
        """Put on the loop; wait while full."""
        self._bind()
        while True:
            with self._mutex:
                if not self._full():
                    self._push(item)
                    self._not_empty.notify()
                    break
            self._async_not_full.clear()
            await self._async_not_full.wait()
        self._async_not_empty.set()

    async def aget(self):
        """Get on the loop; wait while empty."""
        self._bind()
        while True:
            with self._mutex:
                if self._items:
                    item = self._pop()
                    self._not_full.notify()
                    break
            self._async_not_empty.clear()
            await self._async_not_empty.wait()
        self._async_not_full.set()
        return item

    def qsize(self):
        """Number of queued items."""
        with self._mutex:
            return len(self._items)

    def empty(self):
        """True when nothing is queued."""
        return self.qsize() == 0

    def full(self):
        """True when maxsize items are queued."""
        with self._mutex:
            return self._full()


class KytosEventBuffer:
    """A named event queue that rejects events after kytos/core.shutdown."""

    def __init__(self, name, queue: HybridQueue = None):  # noqa pylint: disable=redefined-outer-name
        self.name = name
        self._queue = queue if queue is not None else HybridQueue()
        self._reject_new_events = False

    def put(self, event, timeout: Optional[float] = None):
        """Sync put (any thread); blocks while the buffer is full."""
        if not self._reject_new_events:
            self._queue.put(event, timeout=timeout)
            LOG.debug('[buffer: %s] Added: %s', self.name, event.name)
        if event.name == "kytos/core.shutdown":
            LOG.info('[buffer: %s] Stop mode enabled. Rejecting new events.',
                     self.name)
            self._reject_new_events = True

    async def aput(self, event):
        """Async put (controller loop); waits while the buffer is full."""
        if not self._reject_new_events:
            await self._queue.aput(event)
            LOG.debug('[buffer: %s] Added: %s', self.name, event.name)
        if event.name == "kytos/core.shutdown":
            LOG.info('[buffer: %s] Stop mode enabled. Rejecting new events.',
                     self.name)
            self._reject_new_events = True

    def get(self):
        """Sync get."""
        return self._queue.get()

    async def aget(self):
        """Async get (what the controller's consumer tasks use)."""
        return await self._queue.aget()

    def qsize(self):
        """Queued events."""
        return self._queue.qsize()

    def empty(self):
        """True when no event is queued."""
        return self._queue.empty()

    def full(self):
        """True when the buffer is full."""
        return self._queue.full()

    @property
    def maxsize(self):
        """0 means unbounded."""
        return self._queue.maxsize


class KytosBuffers:
    """conn/raw/msg_in/msg_out/app/meta with the default Kytos sizes."""

    def __init__(self, pool_max_workers: Optional[dict] = None,
                 maxsizes: Optional[dict] = None):
        pools = pool_max_workers if pool_max_workers is not None else {
            "sb": 256, "db": 256, "app": 512, "api": 512}
        sizes = {"raw": pools.get("sb", 0) * 10,
                 "msg_in": pools.get("sb", 0) * 10,
                 "msg_out": pools.get("sb", 0) * 10,
                 "app": pools.get("app", 0) * 20}
        sizes.update(maxsizes or {})
        self.conn = KytosEventBuffer(
            "conn", HybridQueue(sizes.get("conn", 0)))
        self.raw = KytosEventBuffer("raw", HybridQueue(sizes["raw"]))
        self.msg_in = KytosEventBuffer(
            "msg_in", HybridQueue(sizes["msg_in"], priority=True))
        self.msg_out = KytosEventBuffer(
            "msg_out", HybridQueue(sizes["msg_out"], priority=True))
        self.app = KytosEventBuffer("app", HybridQueue(sizes["app"]))
        self.meta = KytosEventBuffer(
            "meta", HybridQueue(sizes.get("meta", 0)))

    def get_all_buffers(self):
        """Every KytosEventBuffer attribute."""
        return [buf for buf in self.__dict__.values()
                if isinstance(buf, KytosEventBuffer)]

    def send_stop_signal(self):
        """Put one ``kytos/core.shutdown`` event into every buffer."""
        LOG.info('Stop signal received by Kytos buffers.')
        event = KytosEvent(name='kytos/core.shutdown')
        for buffer in self.get_all_buffers():
            buffer.put(event)
