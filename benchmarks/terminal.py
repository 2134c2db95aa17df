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
from types import TracebackType

# CSI, OSC (to BEL or ST), and two-byte escapes: what is left is the text on screen.
_ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")
DOWN, END, ENTER = b"\x1b[B", b"\x1b[F", b"\r"


def screen_text(output: bytes) -> str:
    return _ESCAPES.sub(b"", output).decode("utf-8", "replace")


def _set_controlling_terminal() -> None:
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Terminal:
    """A program running on a fresh pseudo-terminal of ``size`` (columns, rows)."""

    def __init__(
        self, command: list[str], env: dict[str, str], size: tuple[int, int] = (120, 40)
    ) -> None:
        self.command = command
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            command,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
            preexec_fn=_set_controlling_terminal,
        )
        os.close(slave)

    def __enter__(self) -> Terminal:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        os.close(self.master)

    def send(self, key: bytes) -> None:
        os.write(self.master, key)

    def wait_for(self, markers: list[str], timeout: float = 60.0) -> float:
        """Seconds since the start when every marker has appeared in output read from now on."""
        seen = b""
        deadline = time.perf_counter() + timeout
        while True:
            left = deadline - time.perf_counter()
            if left <= 0 or self.process.poll() is not None:
                shown = screen_text(seen)[-1500:]
                raise RuntimeError(f"{' '.join(self.command)}: {markers} not seen in {shown!r}")
            readable, _, _ = select.select([self.master], [], [], left)
            if readable:
                try:
                    seen += os.read(self.master, 1 << 16)
                except OSError:  # the program closed the terminal
                    continue
                if all(marker in screen_text(seen) for marker in markers):
                    return time.perf_counter() - self.started

    def cpu_seconds(self) -> float:
        """User plus system CPU time the program has used so far."""
        with open(f"/proc/{self.process.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def memory_mb(self) -> tuple[float, float]:
        """Resident set size now and at its peak (VmRSS, VmHWM), in MB."""
        fields = {}
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                name, _, value = line.partition(":")
                if name in ("VmRSS", "VmHWM"):
                    fields[name] = int(value.split()[0]) / 1024
        return fields["VmRSS"], fields["VmHWM"]


@dataclass
class Timing:
    painted: float  # seconds from start until every ready marker was on screen
    interactive: float  # ... until the key sent after that had visibly been handled
    cpu: float  # CPU seconds the program used until then


def time_to_interactive(
    command: list[str], ready: list[str], reacted: list[str], env: dict[str, str]
) -> Timing:
    """Time ``command``'s first frame (``ready`` shown) and its answer to the down key."""
    with Terminal(command, env) as terminal:
        painted = terminal.wait_for(ready)
        terminal.send(DOWN)
        interactive = terminal.wait_for(reacted)
        return Timing(painted, interactive, terminal.cpu_seconds())
