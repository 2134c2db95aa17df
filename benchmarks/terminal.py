"""Drive a program in a pseudo-terminal and time what it paints, as a user's terminal sees it."""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import termios
import time
from dataclasses import dataclass

# CSI, OSC (to BEL or ST), and two-byte escapes: what is left is the text on screen.
_ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")
DOWN = b"\x1b[B"


def screen_text(output: bytes) -> str:
    return _ESCAPES.sub(b"", output).decode("utf-8", "replace")


@dataclass
class Timing:
    painted: float  # seconds from start until every ready marker was on screen
    interactive: float  # ... until the key sent after that had visibly been handled


def _set_controlling_terminal() -> None:
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def time_to_interactive(
    command: list[str],
    ready: list[str],
    reacted: list[str],
    *,
    env: dict[str, str],
    key: bytes = DOWN,
    size: tuple[int, int] = (120, 40),
    timeout: float = 60.0,
) -> Timing:
    """Start ``command`` on a fresh terminal of ``size`` (columns, rows); time its first frame
    (all of ``ready`` shown) and its answer to ``key`` (all of ``reacted`` shown after it)."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
    start = time.perf_counter()
    process = subprocess.Popen(
        command,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,
        preexec_fn=_set_controlling_terminal,
    )
    os.close(slave)
    try:
        painted = _wait_for(master, ready, start, timeout, process)
        os.write(master, key)
        interactive = _wait_for(master, reacted, start, timeout, process)
        return Timing(painted, interactive)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        os.close(master)


def _wait_for(
    fd: int, markers: list[str], start: float, timeout: float, process: subprocess.Popen[bytes]
) -> float:
    """Seconds since ``start`` when all ``markers`` have appeared in the output read from now."""
    seen = b""
    while True:
        left = start + timeout - time.perf_counter()
        if left <= 0 or process.poll() is not None:
            text = screen_text(seen)[-2000:]
            raise RuntimeError(f"{command_name(process)}: markers {markers} not seen; got {text!r}")
        readable, _, _ = select.select([fd], [], [], left)
        if readable:
            try:
                seen += os.read(fd, 1 << 16)
            except OSError:  # the program closed the terminal
                continue
            text = screen_text(seen)
            if all(marker in text for marker in markers):
                return time.perf_counter() - start


def command_name(process: subprocess.Popen[bytes]) -> str:
    args = process.args
    return " ".join(map(str, args)) if isinstance(args, list) else str(args)
