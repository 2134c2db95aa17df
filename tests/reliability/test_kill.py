"""Crash safety: SIGKILL at random moments loses no committed write; the checker catches loss."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from reader.core.store import Store
from stress.kill import prepare, run_child
from stress.verify import log_problems, missing_writes, undo_redo_problems
from stress.workload import Write

ROOT = Path(__file__).parents[2]


def test_short_kill_run_loses_nothing(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "stress.kill",
            "--kills",
            "20",
            "--seed",
            "3",
            "--check-every",
            "5",
            "--db",
            str(db),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    counts = re.match(
        r"kills: 20, committed: (\d+), lost: 0, integrity failures: 0, inconsistencies: 0, "
        r"child errors: 0\n",
        result.stdout,
    )
    assert counts, result.stdout
    committed = int(counts.group(1))
    assert committed > 0
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert conn.execute("SELECT count(*) FROM actions").fetchone()[0] >= committed


def test_child_report_comes_only_after_commit(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    lengths = prepare(db, 3, seed=1)
    report, killed = run_child(db, lengths, seed=5, delay=0.3)
    writes = [Write.parse(line) for line in report.decode().splitlines()]
    assert killed and writes
    conn = sqlite3.connect(db)
    assert missing_writes(conn, writes) == []
    seqs = [w.seq for w in writes]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    assert log_problems(conn) == []


@pytest.fixture
def worked_db(tmp_path: Path) -> Path:
    db = tmp_path / "w.db"
    lengths = prepare(db, 2, seed=2)
    with Store(db, annotator="ana") as store:
        first = store.add_annotation(1, 0, 5, "denial")
        store.add_annotation(1, 10, 20, "denial")
        store.update_annotation(first.id, label="official statement", note="n")
        store.delete_annotation(first.id)
        store.undo(1)
        store.add_annotation(2, 3, lengths[2], "anonymous source")
        store.undo(2)
        store.redo(2)
    return db


def test_checker_passes_a_sound_database(worked_db: Path) -> None:
    conn = sqlite3.connect(worked_db)
    assert log_problems(conn) == []
    assert undo_redo_problems(worked_db, steps=10) == []


def test_checker_reports_a_lost_action_and_annotation(worked_db: Path) -> None:
    conn = sqlite3.connect(worked_db)
    add = conn.execute("SELECT seq, after FROM actions WHERE kind = 'add' ORDER BY seq").fetchone()
    ann_id = add[1].split('"id":"')[1].split('"')[0]
    writes = [Write(add[0], "add", 1, ann_id), Write(999, "undo", 1, "-")]
    conn.execute("DELETE FROM annotations WHERE id = ?", (ann_id,))
    assert missing_writes(conn, writes) == [
        f"annotation {ann_id} of action {add[0]} lost",
        "action 999 (undo, document 1) lost",
    ]


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        (
            "UPDATE annotations SET label = 'x' WHERE deleted_at IS NULL AND doc_id = 2",
            "differs from its last logged state",
        ),
        (
            "UPDATE annotations SET deleted_at = 'x' WHERE doc_id = 2",
            "document 2: annotation_count 1, live rows 0",
        ),
        ("UPDATE documents SET annotation_count = 7 WHERE id = 1", "annotation_count 7"),
        (
            "DELETE FROM actions WHERE seq = (SELECT max(seq) FROM actions WHERE doc_id = 1)",
            "differs from its last logged state",
        ),
        ("UPDATE actions SET target = 1 WHERE kind = 'redo'", "redo"),
        (
            "INSERT INTO annotations SELECT 'stray', doc_id, start, \"end\", label, quote, prefix,"
            " suffix, note, annotator, origin, orphaned, created_at, updated_at, deleted_at"
            " FROM annotations LIMIT 1",
            "stray: in the table, not in the log",
        ),
    ],
)
def test_checker_reports_a_log_that_does_not_match(
    worked_db: Path, tamper: str, expected: str
) -> None:
    conn = sqlite3.connect(worked_db, isolation_level=None)
    conn.execute(tamper)
    problems = log_problems(conn)
    assert any(expected in p for p in problems), problems


def test_a_kill_right_after_a_shown_save_keeps_it(tmp_path: Path) -> None:
    """The UI shows an action once the store call returns; a SIGKILL then loses nothing."""
    db = tmp_path / "k.db"
    prepare(db, 1, seed=4)
    code = (
        "import sys, time\n"
        "from reader.core.store import Store\n"
        f"s = Store({str(db)!r}, annotator='ana')\n"
        "a = s.add_annotation(1, 2, 9, 'denial')\n"
        "print(a.id, flush=True)\n"
        "time.sleep(60)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    ann_id = child.stdout.readline().strip()
    os.kill(child.pid, signal.SIGKILL)
    assert child.wait(timeout=10) == -signal.SIGKILL
    with Store(db) as store:
        assert store.annotation(ann_id).start == 2
        assert [a.kind for a in store.actions(1)] == ["add"]
