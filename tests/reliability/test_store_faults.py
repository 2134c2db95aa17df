"""Store faults: one clear line each, non-zero exit, no partial files, the data untouched."""

from __future__ import annotations

import hashlib
import os
import random
import re
import resource
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from reader.cli import main
from reader.core import migrations
from reader.core.store import Store, StoreError

ROOT = Path(__file__).parents[2]


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


def one_error_line(err: str, *parts: str) -> bool:
    return err.startswith("error: ") and err.count("\n") == 1 and all(p in err for p in parts)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    rng = random.Random(0)
    for number in range(30):
        words = " ".join(rng.choice(["said", "the", "official", "denied"]) for _ in range(400))
        (folder / f"doc{number}.txt").write_text(f"Document {number}\n{words}", encoding="utf-8")
    return folder


@pytest.fixture
def db(tmp_path: Path, corpus: Path) -> Path:
    """A closed database with 30 documents and one annotation (WAL folded back in)."""
    path = tmp_path / "data" / "r.db"
    path.parent.mkdir()
    assert cli("--db", str(path), "import", str(corpus))[0] == 0
    with Store(path, annotator="ana") as store:
        store.add_annotation(1, 0, 8, "denial")
    return path


def test_missing_folder_is_created_for_a_new_database(tmp_path: Path, corpus: Path) -> None:
    path = tmp_path / "a" / "b" / "r.db"
    assert cli("--db", str(path), "import", str(corpus / "doc1.txt"))[0] == 0
    assert Store(path, create=False).document_count() == 1


def test_missing_folder_is_not_created_to_read(tmp_path: Path) -> None:
    code, _, err = cli("--db", str(tmp_path / "a" / "r.db"), "stats")
    assert code == 1 and one_error_line(err, "no such database")
    assert listing(tmp_path) == []


def test_folder_that_is_a_file_is_one_line(tmp_path: Path, corpus: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    code, _, err = cli("--db", str(tmp_path / "file" / "r.db"), "import", str(corpus))
    assert code == 1 and one_error_line(err, "cannot create its folder")


def test_not_sqlite_is_one_line_and_untouched(tmp_path: Path, corpus: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"my notes, not a database\n" * 200)
    before = digest(path)
    for args in (["stats"], ["import", str(corpus)], ["export", "-o", str(tmp_path / "o.jsonl")]):
        code, _, err = cli("--db", str(path), *args)
        assert code == 1 and one_error_line(err, "not a usable SQLite database"), args
    assert digest(path) == before
    assert listing(tmp_path) == ["corpus", "notes.db"]


def truncate(path: Path) -> None:
    with path.open("r+b") as f:
        f.truncate(path.stat().st_size // 2)


def scribble(path: Path) -> None:
    """Overwrite pages in the middle with random bytes (the header stays valid)."""
    with path.open("r+b") as f:
        f.seek(4096 * 3)
        f.write(random.Random(1).randbytes(4096 * 8))


@pytest.mark.parametrize("damage", [truncate, scribble])
def test_damaged_database_is_one_line_and_untouched(
    damage: Callable[[Path], None], db: Path, corpus: Path
) -> None:
    damage(db)
    before = digest(db)
    out = db.parent / "out.jsonl"
    for args in (["stats"], ["import", str(corpus)], ["export", "-o", str(out)]):
        code, _, err = cli("--db", str(db), *args)
        assert code == 1 and one_error_line(err, "the database is damaged"), (args, err)
    assert digest(db) == before
    assert not out.exists() and not list(db.parent.glob(".*tmp"))


def test_newer_schema_is_one_line_and_untouched(db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    before = digest(db)
    code, _, err = cli("--db", str(db), "stats")
    assert code == 1 and one_error_line(err, "schema version 99 is newer", "upgrade")
    assert digest(db) == before
    assert listing(db.parent) == ["r.db"]


CURRENT = migrations.SCHEMA_VERSION
BACKUP = f"r.db.v{CURRENT}.bak"


def fake_next_migration(monkeypatch: pytest.MonkeyPatch, script: str) -> None:
    monkeypatch.setattr("reader.core.store.MIGRATIONS", [*migrations.MIGRATIONS, script])
    monkeypatch.setattr("reader.core.store.SCHEMA_VERSION", CURRENT + 1)


def rows(path: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        documents = conn.execute("SELECT id, text FROM documents ORDER BY id").fetchall()
        return [*documents, conn.execute("SELECT id, start, label FROM annotations").fetchone()]
    finally:
        conn.close()


def test_older_schema_migrates_after_a_backup(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = rows(db)
    fake_next_migration(monkeypatch, "ALTER TABLE documents ADD COLUMN language TEXT;")
    with Store(db) as store:
        assert store.schema_version == CURRENT + 1
    backup = db.with_name(BACKUP)
    assert rows(backup) == before == rows(db)
    conn = sqlite3.connect(backup)
    assert conn.execute("PRAGMA user_version").fetchone() == (CURRENT,)
    assert "language" not in [c[1] for c in conn.execute("PRAGMA table_info(documents)")]
    conn.close()
    assert listing(db.parent) == ["r.db", BACKUP]


def test_failed_migration_leaves_the_database_as_it_was(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = rows(db)
    fake_next_migration(monkeypatch, "ALTER TABLE documents ADD COLUMN x TEXT; CREATE TABLE (;")
    with pytest.raises(StoreError, match=f"migration to schema {CURRENT + 1} failed") as failure:
        Store(db)
    assert "\n" not in str(failure.value)
    assert rows(db) == before
    assert sqlite3.connect(db).execute("PRAGMA user_version").fetchone() == (CURRENT,)


def test_no_migration_without_a_backup(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_next_migration(monkeypatch, "ALTER TABLE documents ADD COLUMN language TEXT;")

    def no_space(self: Store, target: Path) -> Path:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Store, "backup", no_space)
    with pytest.raises(StoreError, match=f"cannot back it up to {re.escape(BACKUP)}"):
        Store(db)
    assert sqlite3.connect(db).execute("PRAGMA user_version").fetchone() == (CURRENT,)


def run_limited(args: list[str], file_size: int) -> subprocess.CompletedProcess[str]:
    """The CLI in a child process that may write no file beyond ``file_size`` bytes."""

    def setup() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes fail with EFBIG instead

    return subprocess.run(
        [sys.executable, "-m", "reader", *args],
        preexec_fn=setup,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )


def test_disk_full_during_export_leaves_no_partial_file(db: Path) -> None:
    out = db.parent / "labels.jsonl"
    out.write_text("the previous export\n", encoding="utf-8")
    before = digest(db)
    result = run_limited(["--db", str(db), "export", "-o", str(out)], 40_000)
    assert result.returncode == 1
    assert one_error_line(result.stderr, "File too large"), result.stderr
    assert out.read_text(encoding="utf-8") == "the previous export\n"
    assert digest(db) == before
    assert listing(db.parent) == ["labels.jsonl", "r.db"]


def test_disk_full_during_import_is_one_line_and_saves_nothing(db: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("A big document.\n" + "word " * 400_000, encoding="utf-8")
    before = rows(db)
    limit = db.stat().st_size + 200_000
    result = run_limited(["--db", str(db), "import", str(big)], limit)
    assert result.returncode == 1
    assert one_error_line(result.stderr, "cannot write the database", "nothing was saved"), (
        result.stderr
    )
    assert rows(db) == before
    assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone() == ("ok",)


@pytest.fixture
def read_only(db: Path, tmp_path: Path) -> Iterator[Path]:
    """The database in a read-only place: a read-only bind mount as root (who ignores file
    modes), else a read-only file in a read-only folder."""
    if os.geteuid() != 0:
        db.chmod(0o444)
        db.parent.chmod(0o555)
        yield db
        db.parent.chmod(0o755)
        return
    view = tmp_path / "read-only"
    view.mkdir()
    mounted = subprocess.run(["mount", "--bind", str(db.parent), str(view)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("cannot make a read-only place as root without mount")
    try:
        if subprocess.run(["mount", "-o", "remount,ro,bind", str(view)]).returncode != 0:
            pytest.skip("cannot remount read-only")
        yield view / db.name
    finally:
        subprocess.run(["umount", str(view)], check=True)


def test_read_only_database_reads_and_refuses_writes_in_one_line(
    read_only: Path, tmp_path: Path, corpus: Path
) -> None:
    before = digest(read_only)
    code, out, _ = cli("--db", str(read_only), "stats")
    assert code == 0 and "documents: 30\n" in out
    exported = tmp_path / "out.jsonl"
    assert cli("--db", str(read_only), "export", "-o", str(exported))[0] == 0
    assert len(exported.read_text(encoding="utf-8").splitlines()) == 30
    code, _, err = cli("--db", str(read_only), "import", str(corpus))
    assert code == 1 and one_error_line(err, "the database is read-only; nothing was saved")
    with Store(read_only) as store, pytest.raises(StoreError, match="read-only"):
        store.add_annotation(1, 0, 4, "denial")
    assert digest(read_only) == before and listing(read_only.parent) == ["r.db"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write any file")
def test_read_only_file_in_a_writable_folder(db: Path, corpus: Path) -> None:
    db.chmod(0o444)
    before = digest(db)
    assert cli("--db", str(db), "stats")[0] == 0
    code, _, err = cli("--db", str(db), "import", str(corpus))
    assert code == 1 and one_error_line(err, "the database is read-only; nothing was saved")
    assert digest(db) == before
