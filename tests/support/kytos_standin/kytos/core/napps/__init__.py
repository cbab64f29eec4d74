"""``KytosNApp`` and the ``rest`` decorator, as in kytos.core.napps."""
from kytos.core.api_server import APIServer

from .base import KytosNApp, NApp
from .manager import NAppsManager

__all__ = ('NApp', 'KytosNApp', 'NAppsManager', 'rest')

rest = APIServer.decorate_as_endpoint  # pylint: disable=invalid-name
