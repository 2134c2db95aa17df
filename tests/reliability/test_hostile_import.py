"""Hostile and broken files: import stores a safe document or refuses the file in one line."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hostile import CASES, PAYLOADS, REFUSED, STORED, Case

from reader.cli import main
from reader.core.store import Store
from reader.core.text import one_line

# What may not appear in a line printed to the terminal (sanitise's set, written out again).
TERMINAL_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def import_file(db: Path, path: Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--db", str(db), "import", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A database holding one annotated document, to show that nothing is disturbed."""
    path = tmp_path / "r.db"
    good = tmp_path / "good.txt"
    good.write_text("A good document.", encoding="utf-8")
    assert import_file(path, good)[0] == 0
    with Store(path, annotator="ana") as store:
        store.add_annotation(1, 2, 6, "denial")
    return path


def dump(db: Path) -> list[list[tuple[object, ...]]]:
    conn = sqlite3.connect(db)
    tables = ("documents", "annotations", "actions")
    return [conn.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in tables]


@pytest.mark.parametrize("case", STORED, ids=lambda c: c.id)
def test_stored_exactly_and_safely(case: Case, tmp_path: Path, db: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    path = case.write(folder)
    before = dump(db)
    code, out, err = import_file(db, path)
    assert (code, out, err) == (0, "imported: 1 added, 0 unchanged, 0 updated\n", "")
    conn = sqlite3.connect(db)
    text, chars, source, external_id = conn.execute(
        "SELECT text, length(text), source_path, external_id FROM documents WHERE id = 2"
    ).fetchone()
    assert text == case.text
    assert chars == len(text)  # SQLite sees the same characters (no NUL cuts it short)
    for value in (text, source, external_id):
        value.encode("utf-8")  # no lone surrogate made it into the database
    after = dump(db)
    assert [rows[: len(old)] for rows, old in zip(after, before, strict=True)] == before


def test_undecodable_file_name_is_stored_with_replacement(tmp_path: Path, db: Path) -> None:
    case = next(c for c in STORED if c.id == "undecodable-name")
    path = case.write(tmp_path)
    assert import_file(db, path)[0] == 0
    with Store(db) as store:
        doc = store.document(2)
    assert (doc.external_id, doc.source_path) == ("latin\ufffd", str(tmp_path / "latin\ufffd.txt"))


def test_big_json_integers_in_meta_are_kept_as_numbers(tmp_path: Path, db: Path) -> None:
    case = next(c for c in STORED if c.id == "huge-int-meta")
    assert import_file(db, case.write(tmp_path))[0] == 0
    with Store(db) as store:
        assert store.document(2).meta == {"n": 1.2345678901234568e29}  # precision is lost


@pytest.mark.parametrize("case", REFUSED, ids=lambda c: c.id)
def test_refused_with_one_clear_line_and_nothing_changed(
    case: Case, tmp_path: Path, db: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    path = case.write(folder)
    before = dump(db)
    code, out, err = import_file(db, path)
    assert code == 1
    assert out == "imported: 0 added, 0 unchanged, 0 updated, 1 unreadable\n"
    assert err.startswith(f"warning: {one_line(str(path))}: ") and err.count("\n") == 1
    assert case.refusal is not None and case.refusal in err
    assert not TERMINAL_UNSAFE.search(err.rstrip("\n"))
    assert dump(db) == before


def test_whole_hostile_folder_in_a_real_process(tmp_path: Path) -> None:
    """One import of everything: the bytes written to the terminal hold no payload."""
    folder = tmp_path / "in"
    folder.mkdir()
    for case in CASES:
        case.write(folder)
    result = subprocess.run(
        [sys.executable, "-m", "reader", "--db", str(tmp_path / "r.db"), "import", str(folder)],
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 1
    stored = len([c for c in STORED if c.filename.endswith(".txt")]) + sum(
        c.text is not None for c in STORED if c.filename.endswith(".jsonl")
    )
    summary = f"imported: {stored} added, 0 unchanged, 0 updated, {len(REFUSED)} unreadable\n"
    assert result.stdout.decode() == summary
    printed = (result.stdout + result.stderr).decode("utf-8")
    assert not TERMINAL_UNSAFE.search(printed.replace("\n", ""))
    assert not [p for p in PAYLOADS if p in printed]
    lines = result.stderr.decode("utf-8").splitlines()
    assert len(lines) == len(REFUSED)
    assert all(line.startswith("warning: ") for line in lines)
