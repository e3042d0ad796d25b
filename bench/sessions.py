"""Many simultaneous users: simulated sessions against one server, interaction times.

Starts `streamlit run app.py` on MONITOR_DB and connects SESSIONS simulated browser sessions
over Streamlit's own websocket protocol (no browser: on 2 cores, 50 Chromium tabs drawing
charts would measure the browser, not the server). Each session opens a page, waits for the
run to finish, thinks THINK seconds (jittered), and opens another; one interaction in five
opens a new session on a link with filters in it (as a user following a shared link does).
Reports the interaction times (request to the run's end) as median / 95th percentile, and the
server's memory. Prints JSON.

    MONITOR_DB=... MONITOR_AS_OF=2026-11-23 .venv/bin/python bench/sessions.py \
        [--sessions 50] [--think 10] [--minutes 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import time

import websockets
from server import memory_mb, streamlit_server
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

PAGES = ["", "school", "groups", "learning_walks", "surveys"]
LINKS = ["subject=Math", "group=el", "window=1", "grade=3", "subject=Math&group=swd"]


def rerun(page: str, query: str = "") -> bytes:
    message = BackMsg()
    message.rerun_script.query_string = query
    message.rerun_script.page_name = page
    return message.SerializeToString()


async def run_once(ws, page: str, query: str = "") -> tuple[float, int]:
    """Ask for a page run; seconds until the server says it finished, and bytes received."""
    started, received = time.perf_counter(), 0
    await ws.send(rerun(page, query))
    while True:
        frame = await ws.recv()
        received += len(frame)
        message = ForwardMsg()
        message.ParseFromString(frame)
        if message.WhichOneof("type") == "script_finished":
            return time.perf_counter() - started, received


async def session(base: str, until: float, think: float, rng: random.Random,
                  times: list[float], errors: list[str]) -> None:
    url = base.replace("http", "ws") + "/_stcore/stream"
    await asyncio.sleep(rng.uniform(0, think))
    while time.monotonic() < until:
        try:
            async with websockets.connect(url, subprotocols=["streamlit"],
                                          max_size=None) as ws:
                query = rng.choice(LINKS)
                while time.monotonic() < until:
                    seconds, _ = await run_once(ws, rng.choice(PAGES), query)
                    times.append(seconds)
                    query = ""
                    await asyncio.sleep(think * rng.uniform(0.5, 1.5))
                    if rng.random() < 0.2:
                        break               # the next interaction: a new session on a link
        except (OSError, websockets.WebSocketException) as exc:
            errors.append(repr(exc))
            await asyncio.sleep(1)


async def simulate(base: str, sessions: int, think: float, seconds: float) -> dict:
    times: list[float] = []
    errors: list[str] = []
    until = time.monotonic() + seconds
    rng = random.Random(11)
    await asyncio.gather(*(session(base, until, think, random.Random(rng.random()), times,
                                   errors) for _ in range(sessions)))
    ordered = sorted(times)
    return {"interactions": len(times), "errors": len(errors),
            "median_ms": round(1000 * statistics.median(ordered)),
            "p95_ms": round(1000 * ordered[int(0.95 * (len(ordered) - 1))]),
            "max_ms": round(1000 * ordered[-1])}


async def warm_up(base: str) -> None:
    """Every page, and every link in a session of its own (filters come from a link only on
    a session's first run)."""
    url = base.replace("http", "ws") + "/_stcore/stream"
    for link in ["", *LINKS]:
        async with websockets.connect(url, subprotocols=["streamlit"], max_size=None) as ws:
            for page in PAGES:
                await run_once(ws, page, link)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--think", type=float, default=10)
    parser.add_argument("--minutes", type=float, default=3)
    args = parser.parse_args()
    with streamlit_server() as (server, base):
        asyncio.run(warm_up(base))
        result = asyncio.run(simulate(base, args.sessions, args.think, args.minutes * 60))
        result.update(sessions=args.sessions, think_s=args.think, minutes=args.minutes,
                      rss_mb=round(memory_mb(server.pid)),
                      peak_mb=round(memory_mb(server.pid, "VmHWM")))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
