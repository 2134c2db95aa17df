"""``reader serve``: a real server on a free local port answers with the page and runs the app."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip(
    "textual_serve",
    reason="textual-serve is not installed (pip install 'attribution-reader[serve]')",
)
aiohttp = pytest.importorskip("aiohttp", reason="aiohttp comes with textual-serve")

TITLE = "Quarterly grain report"
START_SECONDS = 20
APP_SECONDS = 30


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> tuple[int, str, str]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.headers["Content-Type"], response.read().decode()


def wait_for_page(url: str, server: subprocess.Popen[bytes]) -> tuple[int, str, str]:
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            return fetch(url)
        except (urllib.error.URLError, ConnectionError):
            if server.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    corpus = tmp_path / "grain.txt"
    corpus.write_text(f"{TITLE}\n\nThe ministry said nothing.\n", encoding="utf-8")
    db = str(tmp_path / "r.db")
    reader = [sys.executable, "-m", "reader", "--db", db]
    subprocess.run([*reader, "import", str(corpus)], check=True, capture_output=True)
    port = free_port()
    process = subprocess.Popen(
        [*reader, "serve", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its app processes too can be stopped as one group
    )
    try:
        yield process, port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


async def app_output(url: str) -> str:
    """What the served app draws in its first seconds, escape sequences and all."""
    received = b""
    timeout = aiohttp.ClientTimeout(total=APP_SECONDS)
    async with (
        aiohttp.ClientSession(timeout=timeout) as session,
        session.ws_connect(url) as websocket,
    ):
        deadline = time.monotonic() + APP_SECONDS
        while TITLE.encode() not in received and time.monotonic() < deadline:
            message = await websocket.receive(timeout=deadline - time.monotonic())
            if message.type != aiohttp.WSMsgType.BINARY:
                break
            received += message.data
    return received.decode("utf-8", "replace")


def test_serve_answers_with_the_page_and_runs_the_app(
    server: tuple[subprocess.Popen[bytes], int],
) -> None:
    process, port = server
    status, content_type, page = wait_for_page(f"http://127.0.0.1:{port}/", process)
    assert status == 200
    assert content_type.startswith("text/html")
    assert page.lstrip().startswith("<!DOCTYPE html>")
    assert f"ws://127.0.0.1:{port}/ws" in page
    output = asyncio.run(app_output(f"http://127.0.0.1:{port}/ws?width=100&height=30"))
    assert TITLE in output
