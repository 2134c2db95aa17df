"""Run the real app in a pseudo-terminal: send keys, read every byte it writes, signal it."""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

# What Textual writes to draw: CSI, OSC/DCS/APC strings and two-byte escapes.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[\]P_^][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-B]|\x1b[=>78]"
)
SETTLE_SECONDS = 0.3  # quiet time that counts as "the screen has been drawn"


def screen_text(raw: bytes) -> str:
    """The printable text in what the app wrote, escape sequences removed."""
    return _ESCAPES.sub("", raw.decode("utf-8", "replace"))


class PtyApp:
    """``reader ARGS`` in its own session with a pty as its controlling terminal."""

    def __init__(self, args: list[str], cwd: Path, columns: int = 120, rows: int = 36) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        env = dict(os.environ, TERM="xterm-256color", COLORTERM="truecolor")
        env.pop("TEXTUAL", None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "reader", *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=cwd,
            env=env,
            start_new_session=True,
            preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),
        )
        os.close(slave)
        self.output = bytearray()

    def read(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            if not select.select([self.master], [], [], left)[0]:
                return
            try:
                chunk = os.read(self.master, 1 << 16)
            except OSError:  # the app has gone and the pty is closed
                return
            if not chunk:
                return
            self.output += chunk

    def wait_for(self, text: str, timeout: float = 20.0) -> None:
        """Read until ``text`` has been drawn (escape sequences ignored)."""
        deadline = time.monotonic() + timeout
        while text not in screen_text(bytes(self.output)):
            if time.monotonic() > deadline or self.process.poll() is not None:
                tail = screen_text(bytes(self.output))[-2000:]
                raise AssertionError(f"{text!r} never appeared; the screen ended with {tail!r}")
            self.read(0.1)

    def settle(self) -> None:
        """Read until the app has written nothing for a moment."""
        while True:
            size = len(self.output)
            self.read(SETTLE_SECONDS)
            if len(self.output) == size:
                return

    def press(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def signal(self, number: int) -> None:
        os.kill(self.process.pid, number)

    def hang_up(self) -> None:
        """Close the terminal, as closing its window does: the session gets SIGHUP."""
        os.close(self.master)
        self.master = -1

    def wait(self, timeout: float = 20.0) -> int:
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            if self.master >= 0:
                self.read(0.1)
            else:
                time.sleep(0.05)
        if self.process.poll() is None:
            self.process.kill()
            raise AssertionError("the app did not exit")
        return self.process.returncode

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()
        if self.master >= 0:
            os.close(self.master)
            self.master = -1
