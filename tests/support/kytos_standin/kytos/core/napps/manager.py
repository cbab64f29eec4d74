"""The enabled-NApps listing of kytos.core.napps.manager.NAppsManager."""
import logging
from pathlib import Path

from .base import NApp

LOG = logging.getLogger("kytos.core.napps.manager")


class NAppsManager:
    """Only what load_napps/unload_napps need: the enabled NApps."""

    def __init__(self, controller=None):
        self._controller = controller
        napps = Path(controller.options.napps) if controller else None
        self._enabled_path = napps
        self._installed_path = napps / '.installed' if napps else None

    @staticmethod
    def get_napps_from_path(path: Path):
        """NApps of ``path/*/*/kytos.json``, oldest kytos.json mtime first
        (that is the Kytos load order; unload is the reverse)."""
        if not path.exists():
            LOG.warning("NApps dir (%s) doesn't exist.", path)
            return []
        jsons = sorted(path.glob('*/*/kytos.json'),
                       key=lambda f: f.stat().st_mtime)
        return [NApp.create_from_json(j) for j in jsons]

    def get_enabled_napps(self):
        """NApps enabled in the napps dir, in load order."""
        enabled = self.get_napps_from_path(self._enabled_path)
        for napp in enabled:
            napp.enabled = True
        return enabled

    def get_installed_napps(self):
        """NApps under ``.installed``."""
        return self.get_napps_from_path(self._installed_path)

    def is_enabled(self, username, napp_name):
        """Is ``napps/<username>/<napp_name>/kytos.json`` there?"""
        return (self._enabled_path / username / napp_name /
                'kytos.json').exists()

    def is_installed(self, username, napp_name):
        """Is ``.installed/<username>/<napp_name>/kytos.json`` there?"""
        return (self._installed_path / username / napp_name /
                'kytos.json').exists()
