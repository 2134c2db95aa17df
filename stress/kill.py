"""Kill a writer with SIGKILL at random moments and check that no committed write is lost.

A forked child opens the store and performs random annotation actions (add, update, delete,
undo, redo) as fast as it can. After each action returns, i.e. after its transaction has
committed, the child writes one line naming it to a pipe; the parent kills the child at a
random moment and collects the lines. The same database is reused across kills, so it grows.

Every ``--check-every`` kills and at the end the parent checks: ``PRAGMA integrity_check``,
that every reported action and annotation is in the database, and that replaying the action
log gives exactly the annotations in the table. At the end undo and redo are exercised on a
copy. Prints the counts and exits 1 on any loss, integrity failure or inconsistency.

    python -m stress.kill --kills 1000
"""

from __future__ import annotations

import argparse
import os
import random
import select
import signal
import sqlite3
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from reader.core.store import Store
from stress.verify import integrity, log_problems, missing_writes, undo_redo_problems
from stress.workload import Write, make_documents, random_write

ANNOTATOR = "stress"


@dataclass
class Counts:
    kills: int = 0
    committed: int = 0
    lost: int = 0
    integrity_failures: int = 0
    inconsistencies: int = 0
    child_errors: int = 0

    @property
    def ok(self) -> bool:
        return not (
            self.lost or self.integrity_failures or self.inconsistencies or self.child_errors
        )

    def line(self) -> str:
        return (
            f"kills: {self.kills}, committed: {self.committed}, lost: {self.lost}, "
            f"integrity failures: {self.integrity_failures}, "
            f"inconsistencies: {self.inconsistencies}, child errors: {self.child_errors}"
        )


def write_until_killed(db: Path, lengths: dict[int, int], seed: int, report_fd: int) -> None:
    rng = random.Random(seed)
    store = Store(db, annotator=ANNOTATOR)
    while True:
        write = random_write(store, rng, lengths)
        if write is not None:
            os.write(report_fd, write.line())  # < PIPE_BUF, so never torn by the kill


def run_child(db: Path, lengths: dict[int, int], seed: int, delay: float) -> tuple[bytes, bool]:
    """Fork a writer, SIGKILL it after ``delay`` seconds; its report and whether the kill hit."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child never returns
        os.close(read_fd)
        try:
            write_until_killed(db, lengths, seed, write_fd)
        except BaseException:
            traceback.print_exc()
        os._exit(1)
    os.close(write_fd)
    report = bytearray()
    deadline = time.monotonic() + delay
    while (left := deadline - time.monotonic()) > 0:
        if select.select([read_fd], [], [], left)[0]:
            chunk = os.read(read_fd, 1 << 16)
            if not chunk:
                break
            report += chunk
    os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    while chunk := os.read(read_fd, 1 << 16):
        report += chunk
    os.close(read_fd)
    return bytes(report), os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL


def check(db: Path, writes: list[Write], counts: Counts, *, full: bool) -> None:
    """Look for the reported writes; with ``full``, also integrity and the log replay."""
    conn = sqlite3.connect(db)  # closed before the next fork: SQLite must not cross a fork
    try:
        lost = missing_writes(conn, writes)
        counts.lost += len(lost)
        problems = lost
        if full:
            failed = integrity(conn)
            counts.integrity_failures += bool(failed)
            inconsistent = log_problems(conn)
            counts.inconsistencies += len(inconsistent)
            problems += failed + inconsistent
    finally:
        conn.close()
    for problem in problems[:20]:
        print(f"  {problem}", file=sys.stderr)


def prepare(db: Path, documents: int, seed: int) -> dict[int, int]:
    """Import the documents on first use; the text length of each document by id."""
    with Store(db, annotator=ANNOTATOR) as store:
        if not store.document_count():
            store.import_documents(make_documents(documents, random.Random(seed)))
        return {d: len(store.document(d).text) for d in store.document_ids()}


def run(
    db: Path,
    kills: int,
    *,
    seed: int = 0,
    max_delay: float = 0.12,
    check_every: int = 25,
    documents: int = 40,
    undo_steps: int = 30,
) -> Counts:
    rng = random.Random(seed)
    lengths = prepare(db, documents, seed)
    counts = Counts()
    pending: list[Write] = []
    for number in range(1, kills + 1):
        report, killed = run_child(db, lengths, rng.randrange(1 << 32), rng.uniform(0, max_delay))
        counts.kills += killed
        counts.child_errors += not killed
        writes = [Write.parse(line) for line in report.decode().splitlines()]
        counts.committed += len(writes)
        pending += writes
        last = number == kills
        if last or number % check_every == 0:
            check(db, pending, counts, full=True)
            pending.clear()
    problems = undo_redo_problems(db, undo_steps)
    counts.inconsistencies += len(problems)
    for problem in problems[:20]:
        print(f"  {problem}", file=sys.stderr)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m stress.kill", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--kills", type=int, default=1000)
    parser.add_argument("--db", type=Path, help="database to reuse (default: a fresh temp file)")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--max-delay", type=float, default=0.12, help="longest life of a child, s")
    parser.add_argument("--check-every", type=int, default=25, help="full check every N kills")
    args = parser.parse_args(argv)
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "stress.db"
        counts = run(
            db, args.kills, seed=args.seed, max_delay=args.max_delay, check_every=args.check_every
        )
        size = db.stat().st_size
    print(counts.line())
    print(f"seed {args.seed}, {time.monotonic() - started:.1f} s, database {size / 1e6:.1f} MB")
    return 0 if counts.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
