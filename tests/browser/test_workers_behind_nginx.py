"""Two Streamlit workers behind a real nginx (Debian's, installed by scripts/test.sh), as
`monitor serve --workers 2` runs them: each browser stays with its worker by its cookie, a
session's filters survive its reconnects, a note written through one worker is read through the
other, a load is seen by both without a restart, and a worker that dies is passed over."""

from __future__ import annotations

import os
import re
import shutil
import ssl
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from monitor.config import PROJECT_ROOT
from monitor.serving.serve import CONTENT_SECURITY_POLICY, COOKIE, Layout, Serving

from ..loader.test_killed_load import big_benchmark
from ..processes import free_port
from .conftest import READY_MS, settled
from .test_sessions_during_a_load import read_data_page

NOTES = "learning_walks?present=1&slide=2"


@pytest.fixture
def two_workers(demo_db, tmp_path):
    db = tmp_path / "monitor.duckdb"
    shutil.copy2(demo_db, db)          # a load goes into it
    layout = Layout((free_port(), free_port()), port=free_port(), address="127.0.0.1")
    serving = Serving(layout, tmp_path / "run", env=os.environ | {
        "MONITOR_DB": str(db), "MONITOR_STORE_URL": f"sqlite:///{tmp_path / 'store.sqlite'}"})
    serving.start()
    SERVING.append(serving)
    try:
        yield serving, db
    finally:
        SERVING.remove(serving)
        serving.stop()


SERVING: list[Serving] = []      # the test's nginx, for _visit to read its access log


def _visit(page: Page, url: str) -> str:
    """Open a page and wait for its run; the worker that served it (from nginx's access log,
    by the browser's session cookie: no response names a worker)."""
    response = page.goto(url)
    settled(page)
    assert "x-monitor-worker" not in response.headers
    session = next(c["value"] for c in page.context.cookies() if c["name"] == COOKIE)
    return SERVING[-1].worker_for(session)


def _pinned(browser: Browser, base: str) -> list[tuple[BrowserContext, Page, str]]:
    """Two browsers, each on a different worker: new browsers until the cookie nginx gives one
    lands on the other worker (each lands there by even odds; a ceiling of 20)."""
    found: dict[str, tuple[BrowserContext, Page, str]] = {}
    for _ in range(20):
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        context.set_default_timeout(READY_MS)
        page = context.new_page()
        worker = _visit(page, f"{base}/{NOTES}")
        if worker in found:
            context.close()
            continue
        found[worker] = (context, page, worker)
        if len(found) == 2:
            return list(found.values())
    raise AssertionError(f"every browser landed on {list(found)}")


def _streams(serving: Serving, session: str) -> list[str]:
    """The workers nginx sent this browser's websocket connections to (its access log, which
    has a connection once it has closed)."""
    log = (serving.folder / "access.log").read_text()
    return re.findall(rf'"GET /_stcore/stream [^"]*" 101 .* worker=(\S+) session={session} ',
                      log)


@pytest.mark.browser
def test_two_workers_behind_nginx(browser: Browser, two_workers, tmp_path, artifacts):
    serving, db = two_workers
    (first, one, worker_one), (second, two, worker_two) = _pinned(browser, serving.url)
    assert {worker_one, worker_two} == {f"127.0.0.1:{p}" for p in serving.layout.worker_ports}
    session = next(c["value"] for c in first.cookies() if c["name"] == COOKIE)

    # A note written through one worker is read through the other.
    one.get_by_text("Debrief notes for this slide").click()
    one.get_by_label("What do we notice?").fill("Written through the first worker")
    one.get_by_role("button", name="Save notes").click()
    expect(one.get_by_text("Notes saved with this walk.")).to_be_visible()
    assert _visit(two, f"{serving.url}/{NOTES}") == worker_two
    expect(two.get_by_label("What do we notice?")).to_have_value(
        "Written through the first worker")

    # A session's filters survive its reconnects: a filter picked on the page, then every
    # connection dropped (nginx restarted); the browser reconnects to its own worker and the
    # page still shows the filter.
    assert _visit(one, f"{serving.url}/school") == worker_one
    one.locator(".st-key-f_subject").click()
    one.get_by_role("option", name="Math", exact=True).click()
    one.wait_for_url("**subject=Math**")
    settled(one)
    heading = one.get_by_role("heading", name="Math district benchmark").first
    expect(heading).to_be_visible()
    shown = heading.inner_text()
    with one.expect_websocket():               # the page's own reconnect, no navigation
        serving.restart_nginx()
    settled(one)
    assert "subject=Math" in one.url
    expect(one.locator(".st-key-f_subject input")).to_have_value("Math")
    expect(one.get_by_role("heading", name=shown).first).to_be_visible()
    assert _visit(one, one.url) == worker_one          # and so does a reload

    # A load is seen by both workers, without a restart.
    before = []
    for page in (one, two):
        _visit(page, f"{serving.url}/data")
        before.append(read_data_page(page))
    assert before[0] == before[1]
    small = big_benchmark(tmp_path / "one_more_benchmark.csv", 500)
    loaded = subprocess.run([sys.executable, "-m", "monitor", "load", str(small)],
                            env=os.environ | {"MONITOR_DB": str(db)}, cwd=PROJECT_ROOT,
                            capture_output=True, text=True)
    assert loaded.returncode in (0, 1), loaded.stdout + loaded.stderr
    for page, worker in ((one, worker_one), (two, worker_two)):
        assert _visit(page, f"{serving.url}/data") == worker
        count, _ = before[0]
        assert read_data_page(page) == (count + 1, count + 1)

    # A worker that dies is passed over: its browser is served by the other, and the
    # supervisor starts it again.
    port = int(worker_two.rsplit(":", 1)[1])
    serving.workers[port].kill()
    serving.workers[port].wait()
    assert _visit(two, f"{serving.url}/{NOTES}") == worker_one
    expect(two.get_by_label("What do we notice?")).to_have_value(
        "Written through the first worker")
    assert serving.check_workers() == [port]
    serving.wait_for_worker(port)
    expect(two.locator("[data-testid='stException']")).to_have_count(0)
    two.screenshot(path=artifacts / "nginx-second-worker.png", full_page=True)
    for context in (first, second):
        context.close()
    # Every connection of the first browser, before and after the reconnect, went to its worker.
    streams = _streams(serving, session)
    assert len(streams) >= 4 and set(streams) == {worker_one}, streams



WATCH_CSP = """window.__violations = [];
document.addEventListener('securitypolicyviolation',
    e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));"""


@pytest.mark.browser
def test_the_front_door_is_hardened(browser: Browser, two_workers, artifacts):
    """What nginx sends: the security headers on every answer (pages, static files, the
    health check), no version, no worker's address, Streamlit's metrics not answered; and
    every page works in Chromium under the Content-Security-Policy, with no violation."""
    serving, _ = two_workers
    with urllib.request.urlopen(serving.url + "/") as response:  # noqa: S310 - ours
        script = re.search(r'src="\.?/?(static/js/[^"]+\.js)"', response.read().decode())
    assert script, "the page names its script"
    for path in ("/", "/school", "/healthz", "/" + script.group(1)):
        with urllib.request.urlopen(serving.url + path) as response:  # noqa: S310 - ours
            headers = response.headers
        assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, path
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["Server"] == "nginx" and "X-Monitor-Worker" not in headers
        assert "Strict-Transport-Security" not in headers        # plain HTTP here
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(serving.url + "/_stcore/metrics")  # noqa: S310 - ours
    assert refused.value.code == 404 and "nginx/" not in refused.value.read().decode()
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    context.set_default_timeout(READY_MS)
    context.add_init_script(WATCH_CSP)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    for path in ("", "school", "groups", "learning_walks", "surveys", "cycles", "reflection",
                 "data", "learning_walks?present=1&slide=2"):
        page.goto(f"{serving.url}/{path}")
        settled(page, charts=path not in ("cycles", "reflection", "data"))
        expect(page.get_by_test_id("stException")).to_have_count(0)
        assert page.evaluate("window.__violations") == [], path
    page.screenshot(path=artifacts / "nginx-under-csp.png")
    assert not [e for e in errors if "Content Security Policy" in e], errors
    context.close()


@pytest.mark.browser
def test_https_sends_hsts_and_secure_cookies(demo_db, tmp_path):
    """With a certificate, nginx serves HTTPS, tells browsers to keep to it (HSTS) and marks
    its session cookie Secure."""
    cert, key = tmp_path / "site.pem", tmp_path / "site.key"
    made = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                           "-keyout", str(key), "-out", str(cert), "-days", "2",
                           "-subj", "/CN=127.0.0.1"], capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    layout = Layout((free_port(),), port=free_port(), address="127.0.0.1",
                    tls_cert=str(cert), tls_key=str(key))
    serving = Serving(layout, tmp_path / "run", env=os.environ | {"MONITOR_DB": str(demo_db)})
    serving.start()
    try:
        assert serving.url.startswith("https://")
        insecure = ssl.create_default_context()
        insecure.check_hostname = False
        insecure.verify_mode = ssl.CERT_NONE
        with urllib.request.urlopen(serving.url + "/",  # noqa: S310 - ours
                                    context=insecure) as response:
            headers = response.headers
        assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        assert "Secure" in headers["Set-Cookie"] and "HttpOnly" in headers["Set-Cookie"]
        assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    finally:
        serving.stop()
