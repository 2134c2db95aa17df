"""Two writer processes, a CLI import and repeated CLI exports on one database at once.

Each writer opens the store once (as an app instance would) and performs random annotation
actions for ``--seconds``, reporting each committed one. Meanwhile ``reader import`` brings in
a folder of documents and ``reader export`` runs again and again. Then each writer reloads
every document through its still-open store and reports what it sees.

Checks: every process exits 0 and none prints "database is locked"; every reported write is
in the database; the action log replays to the annotations table; each writer sees all the
annotations, the other's included; each export is valid JSONL holding either all or none of
the imported documents and exactly the annotations of one moment of the log (a snapshot).

    python -m stress.concurrent --seconds 5
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from reader.core.store import Store
from stress.kill import prepare
from stress.verify import integrity, log_problems, missing_writes
from stress.workload import Write, make_documents, random_write

WRITERS = ("ana", "ben")
STRESS_DOCUMENTS = 12
IMPORTED_DOCUMENTS = 300
EXPORTERS = 2  # exports running at once
Seen = dict[str, list[Any]]  # annotation id -> [label, start, end] of the live annotations


def live_annotations(store: Store) -> Seen:
    return {
        a.id: [a.label, a.start, a.end]
        for doc_id in store.document_ids()
        for a in store.annotations(doc_id)
    }


def writer(db: Path, name: str, seconds: float, go: Path, report: Path) -> None:
    """Write for ``seconds``, report each committed write, then wait for ``go`` and reload."""
    rng = random.Random(name)
    store = Store(db, annotator=name)
    lengths = {
        d: len(store.document(d).text)
        for d in store.document_ids()
        if store.document(d).external_id.startswith("stress-")
    }
    deadline = time.monotonic() + seconds
    with report.open("ab", buffering=0) as out:
        while time.monotonic() < deadline:
            write = random_write(store, rng, lengths)
            if write is not None:
                out.write(write.line())
    print("done", flush=True)
    while not go.exists():
        time.sleep(0.01)
    sys.stdout.buffer.write(b"seen " + orjson.dumps(live_annotations(store)) + b"\n")


def reader_command(db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "reader", "--db", str(db), *args]


@dataclass
class Outcome:
    problems: list[str] = field(default_factory=list)
    writes: int = 0
    exports: int = 0

    def require(self, ok: bool, problem: str) -> None:
        if not ok:
            self.problems.append(problem)


def check_process(outcome: Outcome, name: str, proc: subprocess.Popen[bytes], err: bytes) -> None:
    outcome.require(proc.returncode == 0, f"{name} exited {proc.returncode}: {err[-300:]!r}")
    outcome.require(b"locked" not in err, f"{name} printed 'locked': {err[-300:]!r}")


def snapshot_states(conn: sqlite3.Connection) -> set[int]:
    """Hashes of the set of live annotations after each action of the log, in commit order."""
    live: dict[str, tuple[Any, ...]] = {}
    states = {hash(frozenset())}
    for before, after in conn.execute("SELECT before, after FROM actions ORDER BY seq"):
        for new, old in zip(orjson.loads(after), orjson.loads(before), strict=True):
            if new is not None and new["deleted_at"] is None:
                live[new["id"]] = (new["id"], new["label"], new["start"], new["end"])
            else:
                live.pop((new or old)["id"], None)
        states.add(hash(frozenset(live.values())))
    return states


def check_export(outcome: Outcome, path: Path, states: set[int]) -> None:
    try:
        lines = [orjson.loads(line) for line in path.read_bytes().splitlines()]
    except orjson.JSONDecodeError as exc:
        outcome.problems.append(f"{path.name}: not valid JSONL ({exc})")
        return
    documents = len(lines)
    outcome.require(
        documents in (STRESS_DOCUMENTS, STRESS_DOCUMENTS + IMPORTED_DOCUMENTS),
        f"{path.name}: {documents} documents, part of an import",
    )
    spans = frozenset(
        (s["id"], s["label"], s["start"], s["end"]) for line in lines for s in line["spans"]
    )
    outcome.require(hash(spans) in states, f"{path.name}: annotations of no single moment")
    for line in lines:
        for s in line["spans"]:
            outcome.require(line["text"][s["start"] : s["end"]] == s["text"], f"{path.name}: span")


def run_exports(outcome: Outcome, db: Path, workdir: Path, seconds: float) -> list[Path]:
    """``reader export`` again and again, two at a time, for ``seconds``; the files made."""
    exports: list[Path] = []
    running: list[subprocess.Popen[bytes]] = []
    deadline = time.monotonic() + seconds
    while running or time.monotonic() < deadline:
        if len(running) < EXPORTERS and time.monotonic() < deadline:
            exports.append(workdir / f"export-{len(exports)}.jsonl")
            command = reader_command(db, "export", "-o", str(exports[-1]))
            running.append(subprocess.Popen(command, stderr=subprocess.PIPE))
        for proc in [p for p in running if p.poll() is not None]:
            running.remove(proc)
            check_process(outcome, "export", proc, proc.communicate()[1])
        time.sleep(0.05)
    return exports


def run(workdir: Path, seconds: float) -> Outcome:
    outcome = Outcome()
    db, go, corpus = workdir / "c.db", workdir / "go", workdir / "corpus"
    prepare(db, STRESS_DOCUMENTS, seed=1)
    corpus.mkdir()
    for doc in make_documents(IMPORTED_DOCUMENTS, random.Random(2), words=600):
        name = doc.external_id.replace("stress", "imported")
        (corpus / f"{name}.txt").write_text(doc.text, encoding="utf-8")
    module = [sys.executable, "-m", "stress.concurrent", "--db", str(db), "--go", str(go)]
    writers = {
        name: subprocess.Popen(
            [*module, "--seconds", str(seconds), "--writer", name, "--report", str(workdir / name)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for name in WRITERS
    }
    time.sleep(min(0.5, seconds / 4))
    importer = subprocess.Popen(
        reader_command(db, "import", str(corpus)), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    exports = run_exports(outcome, db, workdir, seconds)
    out, err = importer.communicate(timeout=120)
    check_process(outcome, "import", importer, err)
    outcome.require(
        out.startswith(f"imported: {IMPORTED_DOCUMENTS} added".encode()), f"import said {out!r}"
    )
    for proc in writers.values():
        assert proc.stdout is not None
        proc.stdout.readline()  # "done": it has stopped writing
    go.touch()
    writes: dict[str, list[Write]] = {}
    seen: dict[str, Seen] = {}
    for name, proc in writers.items():
        out, err = proc.communicate(timeout=120)
        check_process(outcome, name, proc, err)
        writes[name] = [Write.parse(line) for line in (workdir / name).read_text().splitlines()]
        seen[name] = orjson.loads(out.removeprefix(b"seen ")) if out.startswith(b"seen ") else {}
    everything = [w for name in WRITERS for w in writes[name]]
    outcome.writes = len(everything)
    outcome.exports = len(exports)
    conn = sqlite3.connect(db)
    outcome.problems += integrity(conn) + missing_writes(conn, everything) + log_problems(conn)
    states = snapshot_states(conn)
    for path in exports:
        check_export(outcome, path, states)
    conn.close()
    with Store(db) as store:
        final = live_annotations(store)
    added_by = {w.annotation_id: name for name in WRITERS for w in writes[name] if w.kind == "add"}
    for name in WRITERS:
        outcome.require(seen[name] == final, f"{name} does not see the final annotations")
        others = {added_by.get(ann_id) for ann_id in seen[name]}
        outcome.require(set(WRITERS) <= others, f"{name} sees not both writers' annotations")
    return outcome


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stress.concurrent")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--writer", help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--go", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--report", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args(argv)
    if args.writer:
        writer(args.db, args.writer, args.seconds, args.go, args.report)
        return 0
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="concurrent-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        outcome = run(workdir, args.seconds)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print(
        f"writes: {outcome.writes}, exports: {outcome.exports}, problems: {len(outcome.problems)}"
    )
    for problem in outcome.problems[:20]:
        print(f"  {problem}")
    return 1 if outcome.problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
