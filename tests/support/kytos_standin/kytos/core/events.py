"""KytosEvent, with the fields and ordering of kytos.core.events."""
import json
from datetime import datetime
from uuid import uuid4

from kytos.core.helpers import now


class KytosEvent:
    """An event: ``name`` plus a ``content`` dict shared by all listeners."""

    def __init__(self, name=None, content=None, trace_parent=None, priority=0):
        self.name = name
        self.content = {} if content is None else content
        self.timestamp = now()          # tz-aware UTC datetime
        self.reinjections = 0
        self.priority = priority        # lower runs first in priority buffers
        self.id = uuid4()  # pylint: disable=invalid-name
        self.trace_parent = trace_parent

    def __str__(self):
        return self.name

    def __repr__(self):
        return f"KytosEvent({self.name!r}, {self.content!r}, {self.priority})"

    def __lt__(self, other):
        if self.priority != other.priority:
            return self.priority < other.priority
        return self.timestamp < other.timestamp

    def as_dict(self):
        """``{id: str, name, content, timestamp: datetime, reinjections}``."""
        return {'id': str(self.id), 'name': self.name,
                'content': self.content, 'timestamp': self.timestamp,
                'reinjections': self.reinjections}

    def as_json(self):
        """JSON text; timestamp without tz or microseconds; content may
        degrade to ``str(content)`` when it is not JSON-serializable."""
        data = self.as_dict()
        data['timestamp'] = datetime.strftime(data['timestamp'],
                                              '%Y-%m-%dT%H:%M:%S')
        try:
            return json.dumps(data)
        except TypeError:
            data['content'] = str(data['content'])
            return json.dumps(data)

    @property
    def destination(self):
        """``content.get('destination')``."""
        return self.content.get('destination')

    def set_destination(self, destination):
        """Set ``content['destination']``."""
        self.content['destination'] = destination

    @property
    def source(self):
        """``content.get('source')``."""
        return self.content.get('source')

    def set_source(self, source):
        """Set ``content['source']``."""
        self.content['source'] = source

    @property
    def message(self):
        """``content['message']`` or None."""
        return self.content.get('message')
