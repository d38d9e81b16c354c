"""A real `chroma run` on a free loopback port, which tests can stop and start again."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ChromaServer:
    """`chroma run --path ROOT/data` on 127.0.0.1; `start()` waits for its heartbeat."""

    def __init__(self, root: Path, port: int | None = None) -> None:
        found = shutil.which("chroma")
        if found is None:
            raise RuntimeError("the `chroma` command is not installed")
        self._chroma = found
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._proc: subprocess.Popen[bytes] | None = None

    def alive(self) -> bool:
        """Does the server answer its heartbeat?"""
        try:
            with urllib.request.urlopen(f"{self.url}/api/v2/heartbeat", timeout=1) as response:
                return bool(response.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    def start(self, timeout: float = 60.0) -> ChromaServer:
        """Start the server (same port and data as before) and wait until it answers."""
        log = (self.root / "server.log").open("ab")
        self._proc = subprocess.Popen(
            [
                self._chroma,
                "run",
                "--path",
                str(self.root / "data"),
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while not self.alive():
            if self._proc.poll() is not None:
                raise RuntimeError(
                    f"chroma run exited: {(self.root / 'server.log').read_text()[-2000:]}"
                )
            if time.monotonic() > deadline:
                raise RuntimeError(f"chroma run did not answer its heartbeat within {timeout} s")
            time.sleep(0.1)
        return self

    def stop(self) -> None:
        """Stop the server and wait until its port is closed."""
        if self._proc is None:
            return
        self._proc.terminate()
        try:
            self._proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._proc = None
