"""Web ingest speed (issue 14): BBC articles as HTML pages behind an RSS feed vs the same texts
as files, and a second ingest of the unchanged feed.

    python bench/web_ingest.py [--articles 300] [--rounds 1] [--out bench/out]

A loopback HTTP server (127.0.0.1, port 0, a thread of this process) serves each article as an
HTML page (canonical link, og metadata, navigation, cookie banner, ad, related stories, footer)
and `/feed.xml` listing them all, with ETag/Last-Modified and 304s like a real site. Then, each
in a subprocess with a fresh NEWSBOT_HOME:
  (a) `newsbot ingest DIR --json` on the same texts written as files;
  (b) `newsbot ingest http://127.0.0.1:PORT/feed.xml --json`;
  (c) the same command again into (b)'s home: the feed answers 304.
Targets: files/web wall time >= 0.8 (web at least 0.8x the speed of files), and (c)/(b) <= 0.05.
Both the process wall time (interpreter, model load, ingest) and the ingest's own time (the
summary's `seconds`) are reported, and `newsbot stats` on (c)'s home as the floor of a newsbot
process that opens the store (interpreter, imports, Chroma); (c) does not open it. The site's
default politeness (NEWSBOT_WEB_DELAY 0.05 s, 4 requests per host) is kept. Figures go to
OUT/web_ingest.json; nothing fails on a time.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import sys
import tempfile
import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from _common import (
    DEFAULT_OUT,
    BenchError,
    machine_info,
    median,
    newsbot_command,
    offline_env,
    read_bbc,
    run_timed,
    write_bbc_articles,
    write_results,
)

RUN_TIMEOUT = 1800.0
TARGET_SPEED = 0.8
TARGET_SECOND = 0.05


def page_html(row: dict[str, str], url: str) -> str:
    """One article as a news site serves it, furniture included."""
    title = html.escape(row["title"])
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in row["text"].split("\n") if p.strip())
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title} - BBC News"
        f"</title><link rel='canonical' href='{url}'><meta property='og:site_name' "
        f"content='BBC News'><meta property='og:title' content='{title}'></head><body>"
        "<div class='cookie-banner'><p>We use cookies to give you the best online experience."
        "</p><button>Accept</button></div><nav><ul><li><a href='/'>Home</a></li><li><a "
        "href='/news'>News</a></li><li><a href='/sport'>Sport</a></li></ul></nav><main><article>"
        f"<h1>{title}</h1>{paragraphs}</article><div class='ad'><p>Advertisement</p></div>"
        "<aside><h2>Related stories</h2><ul><li><a href='/r1'>Markets fall on oil fears</a></li>"
        "<li><a href='/r2'>Election date set for May</a></li></ul></aside></main><footer><p>"
        "Copyright 2005 BBC. The BBC is not responsible for the content of external sites."
        "</p></footer></body></html>"
    )


def build_site(rows: list[dict[str, str]], base: str) -> dict[str, bytes]:
    """Path -> body: one page per article and the RSS feed listing them."""
    site: dict[str, bytes] = {}
    items = []
    day = datetime(2005, 3, 1, 9, 0, tzinfo=UTC)
    for n, row in enumerate(rows):
        path = f"/news/{row['id'].replace('/', '-')}"
        url = base + path
        site[path] = page_html(row, url).encode()
        stamp = format_datetime(day - timedelta(hours=n), usegmt=True)
        items.append(
            f"<item><title>{html.escape(row['title'])}</title><link>{url}?utm_source=rss</link>"
            f"<guid>{url}</guid><pubDate>{stamp}</pubDate></item>"
        )
    site["/feed.xml"] = (
        "<?xml version='1.0' encoding='UTF-8'?><rss version='2.0'><channel><title>BBC News"
        f"</title><link>{base}/</link><description>bench</description>{''.join(items)}"
        "</channel></rss>"
    ).encode()
    return site


class Site:
    """The loopback server: ETag per body, 304 on a match, counts of bodies sent."""

    def __init__(self) -> None:
        self.pages: dict[str, bytes] = {}
        self.bodies_sent = 0
        self.requests = 0
        lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                path = self.path.split("?")[0]
                body = outer.pages.get(path)
                with lock:
                    outer.requests += 1
                if body is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                with lock:
                    outer.bodies_sent += 1
                kind = (
                    "application/rss+xml" if path.endswith(".xml") else "text/html; charset=utf-8"
                )
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def ingest(source: str, home: Path, cwd: Path) -> dict[str, Any]:
    """`newsbot ingest SOURCE --json` in a subprocess; wall, CPU and the summary."""
    env = offline_env({"NEWSBOT_HOME": str(home)})
    env.pop("NEWSBOT_CHROMA_URL", None)
    for key in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        env.pop(key, None)  # loopback only
    run = run_timed(
        [*newsbot_command(), "ingest", source, "--json"], env=env, cwd=cwd, timeout=RUN_TIMEOUT
    )
    summary = run.last_json()
    return {
        "wall_s": round(run.seconds, 2),
        "cpu_s": round(run.cpu_seconds, 2),
        "ingest_s": summary["seconds"],
        "added": summary["added"],
        "unchanged": summary["unchanged"],
        "skipped": len(summary["skipped"]),
        "chunks_embedded": summary["chunks_embedded"],
    }


def stats_floor(home: Path, cwd: Path) -> float:
    """Wall time of `newsbot stats --json` on the same home: the process start, imports and
    store opening that any newsbot command pays (the floor under a no-op ingest)."""
    env = offline_env({"NEWSBOT_HOME": str(home)})
    env.pop("NEWSBOT_CHROMA_URL", None)
    run = run_timed([*newsbot_command(), "stats", "--json"], env=env, cwd=cwd, timeout=RUN_TIMEOUT)
    return round(run.seconds, 2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)

    rows = read_bbc(args.articles)
    site = Site()
    site.pages = build_site(rows, site.base)
    feed = f"{site.base}/feed.xml"
    rounds: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="newsbot-web-bench-") as tmp:
        work = Path(tmp)
        folder = work / "articles"
        write_bbc_articles(folder, args.articles)
        for r in range(args.rounds):
            files = ingest(str(folder), work / f"home-files-{r}", work)
            print(f"round {r + 1}: files {files}", file=sys.stderr)
            sent = site.bodies_sent
            first = ingest(feed, work / f"home-web-{r}", work)
            first["bodies_sent"] = site.bodies_sent - sent
            print(f"round {r + 1}: web   {first}", file=sys.stderr)
            sent, asked = site.bodies_sent, site.requests
            second = ingest(feed, work / f"home-web-{r}", work)
            second["bodies_sent"] = site.bodies_sent - sent
            second["requests"] = site.requests - asked
            second["stats_floor_s"] = stats_floor(work / f"home-web-{r}", work)
            print(f"round {r + 1}: again {second}", file=sys.stderr)
            if first["added"] != args.articles or second["chunks_embedded"]:
                raise BenchError(f"unexpected web ingest: first {first}, second {second}")
            rounds.append({"files": files, "web": first, "web_again": second})
    site.server.shutdown()

    def med(run: str, key: str) -> float:
        return median([float(r[run][key]) for r in rounds])

    result = {
        "articles": args.articles,
        "rounds": rounds,
        "speed_ratio_wall": round(med("files", "wall_s") / med("web", "wall_s"), 3),
        "speed_ratio_ingest": round(med("files", "ingest_s") / med("web", "ingest_s"), 3),
        "second_ratio_wall": round(med("web_again", "wall_s") / med("web", "wall_s"), 3),
        "second_ratio_ingest": round(med("web_again", "ingest_s") / med("web", "ingest_s"), 3),
        "targets": {"speed_ratio": TARGET_SPEED, "second_ratio": TARGET_SECOND},
        "command": " ".join(["python", "bench/web_ingest.py", *(argv or sys.argv[1:])]),
        "machine": machine_info(),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    path = write_results(args.out, "web_ingest", result)
    print(
        f"{args.articles} articles, median of {args.rounds} round(s):\n"
        f"  files {med('files', 'wall_s'):.1f} s wall ({med('files', 'ingest_s'):.1f} s ingest)\n"
        f"  feed  {med('web', 'wall_s'):.1f} s wall ({med('web', 'ingest_s'):.1f} s ingest)\n"
        f"  again {med('web_again', 'wall_s'):.1f} s wall ({med('web_again', 'ingest_s'):.2f} s ingest; "
        f"`newsbot stats` alone: {med('web_again', 'stats_floor_s'):.1f} s)\n"
        f"  speed web vs files: {result['speed_ratio_wall']:.2f}x wall, "
        f"{result['speed_ratio_ingest']:.2f}x ingest (target >= {TARGET_SPEED})\n"
        f"  unchanged feed again: {result['second_ratio_wall']:.3f} of the first wall, "
        f"{result['second_ratio_ingest']:.3f} of its ingest (target <= {TARGET_SECOND})\n"
        f"  -> {path}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
