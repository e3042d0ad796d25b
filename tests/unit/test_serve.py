"""The nginx configuration `monitor serve` writes: every worker named, sessions sticking by
cookie, websockets upgraded; nginx itself accepts it; the production copy in deploy/ is what
the code writes (so the two cannot drift)."""

from __future__ import annotations

import re
import subprocess

import pytest

from monitor.config import PROJECT_ROOT
from monitor.serve import COOKIE, TEMP_DIRS, Layout, nginx_binary, nginx_conf, site


@pytest.mark.parametrize("workers", [1, 2, 5])
def test_the_site_names_every_worker_and_sticks_by_cookie(workers):
    text = site(Layout.numbered(workers, 9001, port=8080))
    assert re.findall(r"server 127\.0\.0\.1:(\d+) max_fails", text) == [
        str(9001 + n) for n in range(workers)]
    assert "hash $monitor_worker consistent;" in text
    assert f"map $cookie_{COOKIE} $monitor_worker" in text
    assert "listen 0.0.0.0:8080;" in text
    assert "proxy_set_header Upgrade $http_upgrade;" in text
    assert "location = /healthz" in text


def test_nginx_accepts_the_whole_configuration(tmp_path):
    for name in TEMP_DIRS:
        (tmp_path / name).mkdir()
    conf = tmp_path / "nginx.conf"
    conf.write_text(nginx_conf(Layout.numbered(2, 9001, port=9000, address="127.0.0.1"),
                               tmp_path))
    checked = subprocess.run([nginx_binary(), "-t", "-p", str(tmp_path), "-c", str(conf)],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr


def test_the_production_copy_is_what_the_code_writes():
    shipped = (PROJECT_ROOT / "deploy" / "nginx" / "monitor.conf").read_text()
    written = site(Layout.numbered(2, 8601, port=80))
    assert shipped.endswith(written)
    header = shipped[:-len(written)].splitlines()
    assert header and all(line.startswith("#") for line in header)
