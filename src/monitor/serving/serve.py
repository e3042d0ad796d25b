"""Many viewers at once: several Streamlit server processes behind nginx.

One Streamlit process runs every session's script under one interpreter lock, so it serves about
one core of page runs. `monitor serve --workers N` starts N of them on local ports and Debian's
nginx in front: sticky sessions by a cookie nginx sets (`monitor_worker`, hashed onto the
workers consistently, so a worker that fails moves only its own sessions), websocket upgrade,
passive health checks (a worker that refuses or times out is passed over), `/healthz`, the
security headers (a Content-Security-Policy Streamlit works under, no framing, nosniff, the
referrer kept to this site, HSTS over TLS), no version shown and Streamlit's metrics not
answered; which worker served each request is in nginx's access log. The workers share what
they read and write without talking to each other:

- the database: every worker reads the published file (MONITOR_DB); a load writes a copy and
  renames it into place, and each worker opens the new version at its next page run (no
  restart), keeping the old one for runs already under way (monitor.db);
- what people write (notes, cycles, reflections): the store (SQLite beside the database, which
  several processes on one machine share, or PostgreSQL in MONITOR_STORE_URL);
- sign-in: the same secrets file, and one cookie secret for every worker (generated for the run
  unless STREAMLIT_SERVER_COOKIE_SECRET is set), so a cookie one worker set is good on another.

This process supervises: a worker that exits is started again; nginx exiting stops everything.
`--print-nginx` writes the site's configuration for a production nginx instead (deploy/).
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess  # nosec B404 - our own programs, fixed argument lists, never a shell
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from monitor.config import PROJECT_ROOT

COOKIE = "monitor_worker"
# nginx's default address: it is the front the district's browsers reach (the workers behind
# it listen on 127.0.0.1 only).
ALL_INTERFACES = "0.0.0.0"  # nosec B104
TEMP_DIRS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")


@dataclass(frozen=True)
class Layout:
    """Where nginx listens and where its workers do (127.0.0.1 only); with a certificate and
    its key, nginx serves HTTPS (and says so for a year: HSTS)."""

    worker_ports: tuple[int, ...]
    port: int = 8501
    address: str = ALL_INTERFACES        # nginx's
    tls_cert: str = ""
    tls_key: str = ""

    @classmethod
    def numbered(cls, workers: int, worker_port: int, **rest) -> Layout:
        """`workers` workers on consecutive ports from `worker_port`."""
        return cls(tuple(worker_port + n for n in range(workers)), **rest)

    @property
    def tls(self) -> bool:
        return bool(self.tls_cert and self.tls_key)


# What the browser may do with the dashboard's pages (Streamlit's own front end, Plotly, the
# pages' inline styles), and nothing more: every script, style, image, font and connection
# from this host only (Streamlit's front end has an inline script and compiles WebAssembly:
# 'unsafe-inline' and 'wasm-unsafe-eval', measured as the least it runs under; no eval), no
# page may frame it, no plugin, forms post here only. Checked in Chromium
# (tests/browser/test_workers_behind_nginx.py: no violation on any page).
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'", "script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'",
    "style-src 'self' 'unsafe-inline'", "img-src 'self' data: blob:", "font-src 'self' data:",
    "connect-src 'self'", "worker-src 'self' blob:", "frame-src 'self'",
    "object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'"])


def security_headers(layout: Layout) -> list[str]:
    """The response headers every answer carries (in each location: nginx's add_header in a
    location replaces, not adds to, the server's)."""
    headers = [f'add_header Content-Security-Policy "{CONTENT_SECURITY_POLICY}" always;',
               'add_header X-Frame-Options "DENY" always;',
               'add_header X-Content-Type-Options "nosniff" always;',
               'add_header Referrer-Policy "same-origin" always;',
               'add_header Permissions-Policy "camera=(), microphone=(), geolocation=()" '
               'always;']
    if layout.tls:
        headers.append('add_header Strict-Transport-Security "max-age=31536000; '
                       'includeSubDomains" always;')
    return headers


def site(layout: Layout) -> str:
    """The nginx `upstream`, `map`s and `server` for the layout: what goes in an `http` block
    (deploy/nginx/monitor.conf is this, for /etc/nginx/conf.d)."""
    servers = "\n".join(f"    server 127.0.0.1:{port} max_fails=2 fail_timeout=10s;"
                        for port in layout.worker_ports)
    headers = "\n".join(f"        {line}" for line in security_headers(layout))
    listen = (f"""\
    listen {layout.address}:{layout.port} ssl;
    ssl_certificate {layout.tls_cert};
    ssl_certificate_key {layout.tls_key};
    ssl_protocols TLSv1.2 TLSv1.3;""" if layout.tls else
              f"    listen {layout.address}:{layout.port};")
    cookie_flags = "; Secure" if layout.tls else ""
    return f"""\
# Sticky sessions: the browser's {COOKIE} cookie, set here on its first request, is hashed
# onto the workers (consistent hashing: a worker leaving moves only its own sessions).
map $cookie_{COOKIE} $monitor_worker {{
    ""      $request_id;
    default $cookie_{COOKIE};
}}
map $cookie_{COOKIE} $monitor_set_cookie {{
    ""      "{COOKIE}=$request_id; Path=/; HttpOnly; SameSite=Lax{cookie_flags}";
    default "";
}}
map $http_upgrade $monitor_connection {{
    default upgrade;
    ""      close;
}}

upstream monitor_workers {{
    hash $monitor_worker consistent;
{servers}
}}

server {{
{listen}
    server_tokens off;                      # no nginx version in headers or error pages
    client_max_body_size 200m;              # uploads (Streamlit's own limit is 200 MB)

    location / {{
        proxy_pass http://monitor_workers;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $monitor_connection;
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_read_timeout 1d;              # a session's websocket stays open all day
        proxy_send_timeout 1d;
        proxy_buffering off;
        # Passive health checks: a worker that refuses, times out or is not ready is passed
        # over (max_fails above) and the request goes to the next. Which worker served whom
        # is in the access log (worker=, session=), never in a response.
        proxy_next_upstream error timeout http_502 http_503;
        proxy_connect_timeout 5s;
        add_header Set-Cookie $monitor_set_cookie;
{headers}
    }}

    # Streamlit's own metrics are for this machine's monitoring, not for the browsers.
    location = /_stcore/metrics {{
        return 404;
    }}

    location = /healthz {{
        proxy_pass http://monitor_workers/_stcore/health;
        proxy_next_upstream error timeout http_502 http_503;
        proxy_connect_timeout 2s;
        access_log off;
{headers}
    }}
}}
"""


def nginx_conf(layout: Layout, folder: Path) -> str:
    """A whole nginx configuration run from `folder` (its pid, logs and temporary files)."""
    temp = "\n".join(f"    {name}_temp_path {folder / name};" for name in TEMP_DIRS)
    indented = "".join(f"    {line}\n" if line else "\n" for line in site(layout).splitlines())
    return f"""\
worker_processes auto;
pid {folder / 'nginx.pid'};
error_log {folder / 'error.log'} warn;
events {{
    worker_connections 4096;
}}
http {{
    log_format monitor '$remote_addr [$time_local] "$request" $status $body_bytes_sent '
                       'worker=$upstream_addr session=$monitor_worker '
                       'upstream_s=$upstream_response_time';
    access_log {folder / 'access.log'} monitor;
{temp}
{indented}}}
"""


def free_port() -> int:
    """A port nothing listens on now (the operating system's pick)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def worker_command(port: int) -> list[str]:
    return [sys.executable, "-m", "streamlit", "run", str(PROJECT_ROOT / "app.py"),
            "--server.port", str(port), "--server.address", "127.0.0.1",
            "--server.headless", "true", "--browser.gatherUsageStats", "false"]


def healthy(url: str) -> bool:
    """Whether a worker's or nginx's health check answers 200 (http, or https on this machine,
    whose certificate is the district's own: not checked here)."""
    if url.startswith("http://"):
        context = None
    elif url.startswith("https://127.0.0.1:"):
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE     # nosec B501 - our own nginx, on loopback
    else:
        raise ValueError(f"not a health check URL: {url}")
    try:
        with urllib.request.urlopen(url, timeout=2,  # nosec B310 - http(s) only, see above
                                    context=context) as response:
            return response.status == 200
    except OSError:
        return False


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists()
                                      else None)
    if not found:
        raise SystemExit("nginx is not installed: `apt-get install nginx` (Debian's package; "
                         "scripts/test.sh installs it for the tests).")
    return found


class Serving:
    """The running workers and nginx (see the module's docstring)."""

    def __init__(self, layout: Layout, folder: Path, env: dict[str, str] | None = None,
                 args: tuple[str, ...] = ()):
        """`env`: the workers' environment (default this process's); `args`: more of
        Streamlit's own options for every worker (`--secrets.files ...`)."""
        self.layout, self.folder, self.args = layout, folder, args
        self.env = dict(env if env is not None else os.environ)
        self.env.setdefault("STREAMLIT_SERVER_COOKIE_SECRET", secrets.token_hex(32))
        self.workers: dict[int, subprocess.Popen] = {}
        self.nginx: subprocess.Popen | None = None

    def _start_worker(self, port: int) -> None:
        log = open(self.folder / f"worker-{port}.log", "a")    # noqa: SIM115 - kept open
        self.workers[port] = subprocess.Popen([*worker_command(port), *self.args],  # nosec B603
                                              cwd=PROJECT_ROOT,
                                              env=self.env, stdout=log,
                                              stderr=subprocess.STDOUT)

    def start(self, ceiling_s: float = 120) -> None:
        for name in TEMP_DIRS:
            (self.folder / name).mkdir(parents=True, exist_ok=True)
            if os.getuid() == 0:           # nginx's own workers run as nobody under root
                shutil.chown(self.folder / name, "nobody")
        self.conf.write_text(nginx_conf(self.layout, self.folder))
        test = subprocess.run([nginx_binary(), "-t", "-q", "-p", str(self.folder),  # nosec B603
                               "-c", str(self.conf)], capture_output=True, text=True)
        if test.returncode:
            raise SystemExit(f"nginx refused {self.conf}:\n{test.stderr}")
        for port in self.layout.worker_ports:
            self._start_worker(port)
        try:
            for port in self.layout.worker_ports:
                self.wait_for_worker(port, ceiling_s)
            self.start_nginx(ceiling_s)
        except BaseException:
            self.stop()
            raise

    @property
    def conf(self) -> Path:
        return self.folder / "nginx.conf"

    def wait_for_worker(self, port: int, ceiling_s: float = 120) -> None:
        """Until the worker answers its health check (a ceiling, never a fixed wait)."""
        deadline = time.monotonic() + ceiling_s
        while not healthy(f"http://127.0.0.1:{port}/_stcore/health"):
            if self.workers[port].poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"Worker on port {port} did not start:\n"
                                 + (self.folder / f"worker-{port}.log").read_text())
            time.sleep(0.2)

    def start_nginx(self, ceiling_s: float = 60) -> None:
        self.nginx = subprocess.Popen([nginx_binary(), "-p", str(self.folder),  # nosec B603
                                       "-c", str(self.conf), "-g", "daemon off;"],
                                      cwd=self.folder)
        deadline = time.monotonic() + ceiling_s
        while not healthy(self.url + "/healthz"):
            if self.nginx.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("nginx did not start:\n"
                                 + (self.folder / "error.log").read_text())
            time.sleep(0.2)

    def restart_nginx(self) -> None:
        """Stop nginx and start it again: every browser's connection drops and reconnects
        (as when the front is redeployed); each comes back to its own worker by its cookie."""
        stop_processes([self.nginx])
        self.start_nginx()

    def check_workers(self) -> list[int]:
        """Start again every worker that exited; the ports of those started."""
        started = []
        for port, process in list(self.workers.items()):
            if process.poll() is not None:
                print(f"Worker on port {port} exited ({process.returncode}); starting it "
                      "again.", file=sys.stderr, flush=True)
                self._start_worker(port)
                started.append(port)
        return started

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.layout.address in (ALL_INTERFACES, "") else self.layout.address
        return f"{'https' if self.layout.tls else 'http'}://{host}:{self.layout.port}"

    def worker_for(self, session: str) -> str:
        """The worker that served a browser's latest finished request, by its session cookie
        (nginx's access log: `worker=` lists each worker tried, the last one served)."""
        log = (self.folder / "access.log").read_text()
        served = re.findall(rf"worker=(\S+(?:, \S+)*) session={re.escape(session)} ", log)
        if not served:
            raise LookupError(f"no request of session {session} in the access log")
        return served[-1].split(", ")[-1]

    def supervise(self, every_s: float = 2.0) -> int:
        """Until nginx exits or a signal: start again any worker that exits."""
        while self.nginx is not None and self.nginx.poll() is None:
            self.check_workers()
            time.sleep(every_s)
        return 1

    def stop(self) -> None:
        stop_processes([self.nginx, *self.workers.values()])


def stop_processes(processes: list[subprocess.Popen | None], timeout_s: float = 15) -> None:
    """Terminate the processes still running, wait for them, kill any that do not stop."""
    running = [p for p in processes if p is not None and p.poll() is None]
    for process in running:
        process.terminate()
    for process in running:
        try:
            process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main(args: argparse.Namespace) -> int:
    layout = Layout.numbered(args.workers, args.worker_port, port=args.port,
                             address=args.address, tls_cert=args.tls_cert or "",
                             tls_key=args.tls_key or "")
    if bool(args.tls_cert) != bool(args.tls_key):
        raise SystemExit("HTTPS needs both --tls-cert and --tls-key.")
    if args.print_nginx:
        print(site(layout), end="")
        return 0
    folder = Path(args.run_dir) if args.run_dir else Path(tempfile.mkdtemp(prefix="monitor-"))
    folder.mkdir(parents=True, exist_ok=True)
    serving = Serving(layout, folder)

    def stop(signum, frame):                # noqa: ARG001 - the signal handler's signature
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        serving.start()
        print(f"Serving {len(layout.worker_ports)} worker(s) behind nginx at {serving.url} "
              f"(workers on 127.0.0.1:{layout.worker_ports[0]}-{layout.worker_ports[-1]}; "
              f"logs in {folder})", flush=True)
        return serving.supervise()
    except KeyboardInterrupt:
        return 0
    finally:
        serving.stop()


def add_parser(sub) -> None:
    serve = sub.add_parser(
        "serve", help="N Streamlit workers behind nginx (sticky sessions, health checks)",
        description="Start N Streamlit server processes on 127.0.0.1 and Debian's nginx in "
                    "front of them: sticky sessions by cookie, websocket upgrade, health checks "
                    "(/healthz). Every worker reads the published database (MONITOR_DB) and "
                    "picks up each load without a restart; what people write goes to the store "
                    "(MONITOR_STORE_URL for PostgreSQL).")
    serve.add_argument("--workers", type=int, default=2,
                       help="server processes (default 2; about two per core measured best)")
    serve.add_argument("--port", type=int, default=8501, help="nginx's port (default 8501)")
    serve.add_argument("--address", default=ALL_INTERFACES,
                       help="nginx's address (default 0.0.0.0)")
    serve.add_argument("--worker-port", type=int, default=8601,
                       help="the first worker's port; the others follow (default 8601)")
    serve.add_argument("--run-dir", help="folder for nginx's configuration, logs and the "
                                         "workers' logs (default: a new temporary folder)")
    serve.add_argument("--tls-cert", help="the site's certificate (PEM, the chain included): "
                                          "nginx serves HTTPS, with HSTS")
    serve.add_argument("--tls-key", help="the certificate's private key (PEM)")
    serve.add_argument("--print-nginx", action="store_true",
                       help="print the nginx site configuration for these ports and exit")
    serve.set_defaults(run=main)
