"""Live linting in the console: round trip per keystroke against a running server, beside the in-process call.

Run: ``.venv/bin/python benchmarks/console_live_lint.py [--database-url URL] [--messages 20]``.

Builds the demo database when none is given (``faircollect demo``'s book, 60 loans, no collection days: the
linter needs no messages), starts the real app under
uvicorn on a free local port, signs a staff user in with an API token (the same ``require(LINT)`` path as the
page's session), then *types* messages: for each message, one ``POST /console/lint`` per keystroke with the text
typed so far — exactly what the composer sends (the page debounces, so this is the worst case). Reported: p50 /
p95 / p99 / max of the HTTP round trip, and side by side the baseline — ``live_lint`` called in-process on the same
texts (no HTTP, no auth, no JSON). The target is a p99 under 100 ms; it is printed beside the figure.

The machine's load average is printed before and after (a figure measured under load is an upper bound), and CPU
time per keystroke (``time.process_time``: client and server share this process, so it is the whole stack's CPU)
beside the wall time. Standalone: ``python benchmarks/console_live_lint.py`` needs nothing else running.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

import httpx
import uvicorn
from rich.console import Console
from rich.table import Table

MESSAGES = [
    "【示例消费金融】您好，您的借款已逾期12天，应还金额¥1,234.56，请通过官方App还款。回T退订",
    "您好，我是示例消费金融的客服王芳，本次通话将被录音。请问您大概哪一天可以还款？",
    "再不还钱就上门找你家人，让你单位的人都知道你欠钱不还",
    "This is Example Lending. Your payment of $120.00 is 12 days overdue. Reply STOP to opt out.",
    "如果您目前还款有困难，我们可以为您申请个性化分期或延期，方案和费用会先给您确认。",
]


TARGET_P99_MS = 100.0


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def _token(database_url: str) -> str:
    from faircollect.db import make_engine, session_factory, unit_of_work
    from faircollect.identity import service as identity_service

    factory = session_factory(make_engine(database_url))
    with unit_of_work(factory) as s:
        try:
            identity_service.add_user(s, username="bench.agent", roles=["agent"], actor="benchmark")
        except Exception:  # already there from an earlier run
            s.rollback()
    with unit_of_work(factory) as s:
        return identity_service.issue_token(
            s, username="bench.agent", actor="benchmark", expires_days=1
        ).secret


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--database-url", default=None, help="An existing database (default: build a demo one)."
    )
    parser.add_argument(
        "--messages",
        type=int,
        default=4 * len(MESSAGES),
        help="How many messages to type (default 20, ~1,000 keys).",
    )
    args = parser.parse_args()
    console = Console()
    console.print(f"before: {_load()}")

    url = args.database_url
    if url is None:
        from faircollect.demo import run_demo

        folder = Path(tempfile.mkdtemp(prefix="fc-bench-"))
        os.environ.setdefault("FAIRCOLLECT_AUDIT_KEY_FILE", str(folder / "audit.key"))
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
        with console.status("building the demo database"):
            run_demo(url, loans=60, months=3, seed=3, start=date(2026, 1, 1), days=0, nightly=False)
    token = _token(url)

    from faircollect.api.app import create_app
    from faircollect.console.live_lint import live_lint

    app = create_app(database_url=url)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)

    texts = [m[:i] for m in (MESSAGES * 4)[: args.messages] for i in range(1, len(m) + 1)]
    round_trips: list[float] = []
    round_trip_cpu: list[float] = []
    in_process: list[float] = []
    with httpx.Client(
        base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {token}"}
    ) as client:
        for t in texts[:20]:  # warm-up: compiled linter, rulebook cache, connection
            client.post("/console/lint", json={"text": t}).raise_for_status()
            live_lint(t)
        for t in texts:
            start, cpu = time.perf_counter(), time.process_time()
            r = client.post("/console/lint", json={"text": t})
            round_trips.append((time.perf_counter() - start) * 1000)
            round_trip_cpu.append((time.process_time() - cpu) * 1000)
            r.raise_for_status()
            start = time.perf_counter()
            live_lint(t)
            in_process.append((time.perf_counter() - start) * 1000)
    server.should_exit = True

    table = Table(
        title=f"live lint per keystroke: {len(texts)} keystrokes over {args.messages} messages (ms)"
    )
    for col in ("path", "p50", "p95", "p99", "max", "mean", "target p99"):
        table.add_column(col, justify="right" if col != "path" else "left")
    for name, xs, target in (
        ("HTTP round trip, wall (server + auth + JSON)", round_trips, f"< {TARGET_P99_MS:.0f}"),
        ("HTTP round trip, CPU of client + server", round_trip_cpu, ""),
        ("baseline: live_lint in-process, wall", in_process, ""),
    ):
        table.add_row(
            name,
            f"{_pct(xs, 0.50):.2f}",
            f"{_pct(xs, 0.95):.2f}",
            f"{_pct(xs, 0.99):.2f}",
            f"{max(xs):.2f}",
            f"{statistics.fmean(xs):.2f}",
            target,
        )
    console.print(table)
    p99 = _pct(round_trips, 0.99)
    verdict = "under" if p99 < TARGET_P99_MS else "OVER"
    console.print(
        f"p99 round trip {p99:.1f} ms (CPU p99 {_pct(round_trip_cpu, 0.99):.1f} ms) — target p99 < "
        f"{TARGET_P99_MS:.0f} ms: {verdict}"
    )
    console.print(f"after: {_load()}")


if __name__ == "__main__":
    main()
