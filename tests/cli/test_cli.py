"""The command line, as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys

from monitor.config import PROJECT_ROOT


def run(*args, env=None):
    return subprocess.run([sys.executable, "-m", "monitor", *args], capture_output=True,
                          text=True, cwd=PROJECT_ROOT, env=env, timeout=300)


def test_help_documents_the_commands():
    result = run("--help")
    assert result.returncode == 0
    for command in ("demo", "load", "status"):
        assert command in result.stdout
    load_help = run("load", "--help").stdout
    assert "--source" in load_help and "Exit" in load_help


def test_demo_then_load_then_status(tmp_path):
    env = os.environ | {"MONITOR_DB": str(tmp_path / "m.duckdb")}
    out = tmp_path / "demo"
    made = run("demo", "--out", str(out), "--students", "600", "--seed", "3",
               "--as-of", "2026-10-30", env=env)
    assert made.returncode == 0, made.stderr
    files = sorted(out.glob("*.csv"))
    assert len(files) >= 15
    loaded = run("load", *map(str, files), env=env)
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    assert "0 rejected" in loaded.stdout
    status = run("status", env=env)
    rows = dict(line.split()[:2] for line in status.stdout.splitlines())
    assert int(rows["roster"].replace(",", "")) > 600


def test_bad_config_exits_2_naming_the_key(tmp_path):
    text = (PROJECT_ROOT / "config.toml").read_text().replace("[privacy]", "[privacyy]")
    (tmp_path / "config.toml").write_text(text)
    env = os.environ | {"MONITOR_CONFIG": str(tmp_path / "config.toml")}
    result = run("load", "nothing.csv", env=env)
    assert result.returncode == 2
    assert "privacyy" in result.stderr
