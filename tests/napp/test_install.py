"""event-bridge install-napp: the installed and enabled links Kytos expects (CONTRACT 1.4)."""

from __future__ import annotations

import os

import pytest

from event_bridge.cli import main
from event_bridge.install import InstallError, install_napp, napp_source_dir


def test_creates_installed_and_enabled_links_idempotently(tmp_path):
    napps = tmp_path / "var" / "lib" / "kytos" / "napps"
    napps.mkdir(parents=True)
    first = install_napp(napps, enable=True)
    second = install_napp(napps, enable=True)
    installed = napps / ".installed" / "kytos" / "event_bridge"
    enabled = napps / "kytos" / "event_bridge"
    assert installed.is_symlink() and installed.resolve() == napp_source_dir().resolve()
    assert enabled.is_symlink() and os.readlink(enabled) == str(installed)
    assert (enabled / "kytos.json").is_file() and (enabled / "main.py").is_file()
    assert (napps / "kytos" / "__init__.py").exists()
    assert (napps / ".installed" / "kytos" / "__init__.py").exists()
    assert len(first) == 2 and all("already there" in line for line in second)


def test_without_enable_only_the_installed_link(tmp_path):
    napps = tmp_path / "napps"
    napps.mkdir()
    install_napp(napps)
    assert (napps / ".installed" / "kytos" / "event_bridge").is_symlink()
    assert not (napps / "kytos" / "event_bridge").exists()


def test_wrong_directory_is_a_clear_error(tmp_path, capsys):
    with pytest.raises(InstallError, match="is not a directory"):
        install_napp(tmp_path / "missing")
    other = tmp_path / "elsewhere"
    other.mkdir()
    with pytest.raises(InstallError, match="does not look like a Kytos napps directory"):
        install_napp(other)
    assert main(["install-napp", "--napps-dir", str(tmp_path / "missing")]) == 2
    assert "is not a directory" in capsys.readouterr().err


def test_conflicting_napp_is_refused_unless_forced(tmp_path):
    napps = tmp_path / "napps"
    (napps / ".installed" / "kytos").mkdir(parents=True)
    other = tmp_path / "other_event_bridge"
    other.mkdir()
    (napps / ".installed" / "kytos" / "event_bridge").symlink_to(other)
    with pytest.raises(InstallError, match="already links to"):
        install_napp(napps)
    install_napp(napps, force=True)
    assert (napps / ".installed" / "kytos" / "event_bridge").resolve() == \
        napp_source_dir().resolve()
    real_dir = napps / "kytos" / "event_bridge"
    real_dir.mkdir(parents=True)
    with pytest.raises(InstallError, match="exists and is not a link"):
        install_napp(napps, enable=True)
