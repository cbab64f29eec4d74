"""KytosNApp with the lifecycle of kytos.core.napps.base.KytosNApp."""
import json
import logging
import os
import sys
import traceback
from abc import ABCMeta, abstractmethod
from threading import Event, Thread

from kytos.core.events import KytosEvent

#: Kytos uses NAppLog (stack detection); from run() that resolves to this.
LOG = logging.getLogger("kytos.napps")


class NApp:
    """Just the identity part of kytos.core.napps.base.NApp."""

    def __init__(self, username=None, name=None, version=None):
        self.username = username
        self.name = name
        self.version = version or ''
        self.enabled = False

    @property
    def id(self):  # pylint: disable=invalid-name
        """``username/name``."""
        return f"{self.username}/{self.name}"

    def __str__(self):
        return self.id

    def __repr__(self):
        return f"NApp({self.username}/{self.name})"

    @classmethod
    def create_from_json(cls, filename):
        """Build from a kytos.json file."""
        with open(filename, encoding="utf-8") as data_file:
            data = json.loads(data_file.read())
        return cls(data.get('username'), data.get('name'),
                   data.get('version'))


class KytosNApp(Thread, metaclass=ABCMeta):
    """Base class of a NApp: a non-daemon Thread running ``execute()``."""

    def __init__(self, controller, **kwargs):  # pylint: disable=unused-argument
        Thread.__init__(self, daemon=False)
        #: stand-in only (see notify_loaded)
        self._standin_loaded_put = Event()
        self.controller = controller
        self.username = None  # loaded from json
        self.name = None      # loaded from json (also the thread name)
        self.meta = False     # loaded from json
        self._load_json()

        self._listeners = {
            'kytos/core.shutdown': [self._shutdown_handler],
            'kytos/core.shutdown.' + self.napp_id: [self._shutdown_handler]}

        self.__event = Event()
        #: seconds between execute() calls; negative: execute() only once
        self.__interval = -1
        self.setup()

        handler_methods = [getattr(self, method_name)
                           for method_name in dir(self)
                           if method_name[0] != '_'
                           and callable(getattr(self, method_name))
                           and hasattr(getattr(self, method_name), 'events')]
        for method in handler_methods:
            for event_name in method.events:
                self._listeners.setdefault(event_name, []).append(method)

    @property
    def napp_id(self):
        """``username/name``."""
        return f"{self.username}/{self.name}"

    def listeners(self):
        """The regexes this NApp listens to."""
        return list(self._listeners.keys())

    def _load_json(self):
        """setattr every key of the kytos.json beside the subclass module."""
        current_file = sys.modules[self.__class__.__module__].__file__
        json_path = os.path.join(os.path.dirname(current_file), 'kytos.json')
        with open(json_path, encoding='utf-8') as data_file:
            data = json.loads(data_file.read())
        for attribute, value in data.items():
            setattr(self, attribute, value)

    def execute_as_loop(self, interval):
        """Call from setup(): run execute() every ``interval`` seconds until
        the NApp is shut down."""
        self.__interval = interval

    # pylint: disable=broad-except
    def run(self):
        """Thread body: ``.loaded`` event on the meta buffer, then
        execute() (once, or in a loop); exceptions are logged."""
        self.notify_loaded()
        LOG.info(f"Running NApp: {self}")
        try:
            self.execute()
        except Exception:
            LOG.error(f"NApp: {self} unhandled exception "
                      f"{traceback.format_exc(chain=False)}")
        while self.__interval > 0:
            self.__event.wait(self.__interval)
            if self.__event.is_set():
                break
            try:
                self.execute()
            except Exception:
                LOG.error(f"NApp: {self} unhandled exception "
                          f"{traceback.format_exc(chain=False)}")

    def notify_loaded(self):
        """Put ``<username>/<name>.loaded`` on the meta buffer."""
        try:
            event = KytosEvent(name=f'{self.username}/{self.name}.loaded',
                               content={})
            self.controller.buffers.meta.put(event)
        finally:
            # stand-in only: lets Controller.wait_idle() wait for this put
            self._standin_loaded_put.set()

    def _shutdown_handler(self, event):  # pylint: disable=unused-argument
        """Call shutdown() once, then set the internal Event."""
        if not self.__event.is_set():
            self.shutdown()
            self.__event.set()

    @abstractmethod
    def setup(self):
        """Called by __init__."""

    @abstractmethod
    def execute(self):
        """Called by run() in the NApp thread."""

    @abstractmethod
    def shutdown(self):
        """Called (once) through _shutdown_handler."""
