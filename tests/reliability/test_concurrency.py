"""Concurrent use: two writer processes, a CLI import and CLI exports on one database at once."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]


def test_two_writers_an_import_and_exports_at_once(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "stress.concurrent", "--seconds", "2", "--keep", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    counts = re.fullmatch(r"writes: (\d+), exports: (\d+), problems: 0\n", result.stdout)
    assert counts, result.stdout
    assert int(counts.group(1)) > 0
    assert int(counts.group(2)) > 0
