"""The real `newsbot slack` (HTTP mode) against the loopback fake Slack: answer times and bot RSS.

    python bench/_slack_probe.py QUESTIONS_JSON [--burst 20]

Runs `newsbot slack --port P` as a subprocess with the caller's NEWSBOT_* environment, its Web
API pointed at tests/fakes' loopback Slack, then sends each question as a signed `app_mention`
(as Slack does) and waits for the threaded answer. Times are from the event's POST to the
answer's `chat.postMessage`: one question at a time (three rounds), then a burst of `--burst`
mentions sent at once (many people asking together). Reads the bot's peak RSS (VmHWM) at the end.
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import newsbot_command  # noqa: E402

from tests.fakes.slack_api import BOT_TOKEN, BOT_USER_ID, FakeSlackApi  # noqa: E402
from tests.fakes.slack_events import SlackSender, event_callback, mention_event  # noqa: E402

SECRET = "bench-signing-secret"
START_TIMEOUT = 600.0  # seconds: a 100k-chunk index takes a while to open the first time
ANSWER_TIMEOUT = 120.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_listening(port: int, proc: subprocess.Popen[bytes], timeout: float) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if proc.poll() is not None:
            raise SystemExit(f"newsbot slack exited with {proc.returncode} before listening")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return time.perf_counter() - started
        time.sleep(0.1)
    raise SystemExit(f"newsbot slack did not listen on {port} within {timeout} s")


def _status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))], 1)


def main() -> None:
    """Start the bot, ask, measure, stop."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("questions", help="a JSON list of questions")
    parser.add_argument("--burst", type=int, default=20, help="mentions sent at once (20)")
    args = parser.parse_args()
    questions: list[str] = json.loads(args.questions)

    api = FakeSlackApi().start()
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env.update(
        {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": api.base_url,
            "PYTHONUNBUFFERED": "1",
        }
    )
    proc = subprocess.Popen(
        [*newsbot_command(), "slack", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        startup = _wait_listening(port, proc, START_TIMEOUT)
        sender = SlackSender(f"http://127.0.0.1:{port}/slack/events", SECRET)

        def ask(question: str, channel: str) -> float:
            event = mention_event(f"<@{BOT_USER_ID}> {question}", channel=channel)
            started = time.perf_counter()
            reply = sender.event(event_callback(event))
            if reply.status != 200:
                raise SystemExit(f"the bot answered HTTP {reply.status}: {reply.body}")
            api.wait_for_post(channel=channel, thread_ts=event["ts"], timeout=ANSWER_TIMEOUT)
            return (time.perf_counter() - started) * 1000

        ask("warm up: who met in Istanbul?", "C_WARM")
        serial = [ask(q, "C_SERIAL") for _ in range(3) for q in questions]
        burst_questions = [questions[i % len(questions)] for i in range(args.burst)]
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.burst) as pool:
            burst = list(pool.map(lambda q: ask(q, "C_BURST"), burst_questions))
        burst_wall = time.perf_counter() - started
        peak_kb, now_kb = _status_kb(proc.pid, "VmHWM"), _status_kb(proc.pid, "VmRSS")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        api.stop()
    result: dict[str, Any] = {
        "slack_startup_s": round(startup, 2),
        "slack_p50_ms": round(statistics.median(serial), 1),
        "slack_p95_ms": _pct(serial, 95),
        "slack_burst": args.burst,
        "slack_burst_p50_ms": round(statistics.median(burst), 1),
        "slack_burst_max_ms": round(max(burst), 1),
        "slack_burst_wall_s": round(burst_wall, 2),
        "slack_peak_rss_mb": round(peak_kb / 1024, 1),
        "slack_rss_mb": round(now_kb / 1024, 1),
        "slack_questions": len(serial),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
