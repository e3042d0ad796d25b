"""The nginx configuration `monitor serve` writes: every worker named, sessions sticking by
cookie, websockets upgraded; nginx itself accepts it; the production copy in deploy/ is what
the code writes (so the two cannot drift)."""

from __future__ import annotations

import re
import subprocess

import pytest

from monitor.config import PROJECT_ROOT
from monitor.serving.serve import COOKIE, TEMP_DIRS, Layout, nginx_binary, nginx_conf, site


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


@pytest.mark.parametrize("tls", [False, True])
def test_every_location_sends_the_security_headers_and_no_worker(tls):
    """nginx's add_header in a location replaces the server's: each location carries them.
    No response names a worker; the metrics are not answered; HSTS only over TLS."""
    layout = Layout.numbered(2, 9001, port=443 if tls else 80,
                             **({"tls_cert": "/c.pem", "tls_key": "/c.key"} if tls else {}))
    text = site(layout)
    blocks = re.findall(r"location ([^{]+)\{(.*?)\n    \}", text, re.S)
    proxied = [body for where, body in blocks if "proxy_pass" in body]
    assert len(proxied) == 2
    for body in proxied:
        for header in ("Content-Security-Policy", "X-Frame-Options \"DENY\"",
                       "X-Content-Type-Options \"nosniff\"", "Referrer-Policy"):
            assert header in body
        assert ("Strict-Transport-Security" in body) == tls
    assert "X-Monitor-Worker" not in text and "server_tokens off;" in text
    assert "location = /_stcore/metrics {\n        return 404;" in text
    assert ("ssl_certificate /c.pem;" in text) == tls
    assert ("SameSite=Lax; Secure" in text) == tls
