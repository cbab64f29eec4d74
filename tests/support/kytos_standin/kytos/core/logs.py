"""NApp logger detection, as kytos.core.logs.get_napp_logger does it.

The NApp id is taken from the innermost caller frame whose file path matches
``.*napps/(.*?)/(.*?)/``; the logger is ``kytos.napps`` or its child
``kytos.napps.<user>/<name>``.  Frames are walked with ``sys._getframe``
instead of ``inspect.stack()`` (same result, without reading source lines).
"""
import logging
import re
import sys

NAPP_ID_RE = re.compile(r'.*napps/(.*?)/(.*?)/')


def _detect_napp_id():
    frame = sys._getframe(1)  # pylint: disable=protected-access
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename != __file__:
            match = NAPP_ID_RE.match(filename)
            if match:
                return '/'.join(match.groups())
        frame = frame.f_back
    return None


def get_napp_logger():
    """Return ``kytos.napps`` or ``kytos.napps.<user>/<name>``."""
    logger = logging.getLogger("kytos.napps")
    napp_id = _detect_napp_id()
    if napp_id:
        logger = logger.getChild(napp_id)
    return logger
