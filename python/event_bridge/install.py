"""Linking the NApp into a Kytos-ng napps directory (CONTRACT section 1.4 layout)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

USER, NAME = "kytos", "event_bridge"


class InstallError(Exception):
    """The napps directory is wrong or already holds a different kytos/event_bridge."""


def napp_source_dir() -> Path:
    """The NApp's files: inside the installed package, or napp/ of a source checkout."""
    packaged = Path(__file__).resolve().parent / "napp"
    if (packaged / "kytos.json").is_file():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "napp"
    if (checkout / "kytos.json").is_file():
        return checkout
    raise InstallError(f"the NApp files are missing (looked in {packaged} and {checkout})")


def default_napps_dir() -> Path:
    """$VIRTUAL_ENV/var/lib/kytos/napps, as Kytos derives it, else /var/lib/kytos/napps."""
    base = os.environ.get("VIRTUAL_ENV") or "/"
    return Path(base) / "var" / "lib" / "kytos" / "napps"


def _link(link: Path, target: Path, force: bool) -> str:
    if link.is_symlink():
        if Path(os.readlink(link)) == target or link.resolve() == target.resolve():
            return f"{link} -> {target} (already there)"
        if not force:
            raise InstallError(f"{link} already links to {os.readlink(link)}, not {target}; "
                               f"remove it or pass --force")
        link.unlink()
    elif link.exists():
        raise InstallError(f"{link} exists and is not a link (another {USER}/{NAME} NApp?); "
                           f"remove it first")
    link.symlink_to(target)
    return f"{link} -> {target}"


def install_napp(napps_dir: Optional[Path] = None, *, enable: bool = False,
                 force: bool = False, source: Optional[Path] = None) -> list:
    """Create napps/.installed/kytos/event_bridge (and with enable, napps/kytos/event_bridge).

    Idempotent. Returns what it did, one line each. Raises InstallError with a clear
    message for a missing or wrong directory or a conflicting NApp.
    """
    napps = Path(napps_dir) if napps_dir else default_napps_dir()
    if not napps.is_dir():
        raise InstallError(f"{napps} is not a directory: pass the Kytos napps directory "
                           f"(e.g. $VIRTUAL_ENV/var/lib/kytos/napps) with --napps-dir")
    if napps.name != "napps":
        raise InstallError(f"{napps} does not look like a Kytos napps directory (its name "
                           f"is not 'napps'); Kytos imports NApps as napps.<user>.<name>")
    source = Path(source) if source else napp_source_dir()
    done = []
    installed_user = napps / ".installed" / USER
    installed_user.mkdir(parents=True, exist_ok=True)
    for init in (napps / ".installed" / "__init__.py", installed_user / "__init__.py"):
        if not init.exists():
            init.touch()
    installed = installed_user / NAME
    done.append("installed: " + _link(installed, source, force))
    if enable:
        user_dir = napps / USER
        user_dir.mkdir(exist_ok=True)
        if not (user_dir / "__init__.py").exists():
            (user_dir / "__init__.py").touch()
        done.append("enabled:   " + _link(user_dir / NAME, installed, force))
    return done
