"""The two kytos.lib.helpers functions NApp unit tests use most."""
from unittest.mock import MagicMock

from httpx import AsyncClient

from kytos.core.controller import Controller


def get_controller_mock(napps_dir=None):
    """A real (stand-in) Controller, not started, whose ``buffers`` and
    ``log`` are MagicMocks (assert puts with ``buffers.app.put.call_args``).
    """
    controller = Controller(napps_dir=napps_dir)
    controller._buffers = MagicMock()  # pylint: disable=protected-access
    controller.log = MagicMock()
    return controller


def get_test_client(controller, napp) -> AsyncClient:
    """Register ``napp``'s routes and return an AsyncClient on the app with
    base_url ``http://127.0.0.1/api/``.

    As in Kytos the app runs in the CALLER's loop (plain ASGITransport); use
    ``controller.get_test_client()`` to serve on the controller loop.
    """
    import httpx  # pylint: disable=import-outside-toplevel
    controller.api_server.register_napp_endpoints(napp)
    transport = httpx.ASGITransport(app=controller.api_server.app)
    return AsyncClient(transport=transport, base_url="http://127.0.0.1/api/")
