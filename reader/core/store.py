"""The SQLite store: documents, annotations and the append-only action log behind undo/redo.

Every user action is one ``BEGIN IMMEDIATE`` transaction, so a crash loses nothing that
was reported saved and concurrent writers wait for each other instead of failing with
"database is locked". A ``Store`` (like the ``sqlite3`` connection inside it) belongs to
the thread that opened it: workers open their own.
"""

from __future__ import annotations

import getpass
import hashlib
import logging
import shutil
import sqlite3
import urllib.parse
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import orjson

from reader.core.anchoring import relocate
from reader.core.migrations import MIGRATIONS, SCHEMA_VERSION

if TYPE_CHECKING:
    import sqlite_utils

    from reader.core.suggest import Suggestion

log = logging.getLogger(__name__)  # with no handler set, warnings go to stderr as they are
CONTEXT_CHARS = 32  # characters of prefix/suffix kept with each annotation for re-anchoring
STATUSES = ("new", "in_progress", "done")
Status = Literal["new", "in_progress", "done"]


class StoreError(Exception):
    """A store problem a user can act on; the message is one line."""


def database_problem(path: Path, exc: sqlite3.Error) -> StoreError:
    """A one-line StoreError for an SQLite error on ``path``, saying what the user can do."""
    reason = str(exc)
    if "readonly" in reason:
        return StoreError(f"{path}: the database is read-only; nothing was saved")
    if "not a database" in reason:
        return StoreError(f"{path}: not a usable SQLite database ({reason})")
    if "malformed" in reason or "vtable constructor failed" in reason:
        return StoreError(f"{path}: the database is damaged ({reason}); restore it from a backup")
    if "full" in reason or "I/O" in reason:
        return StoreError(f"{path}: cannot write the database ({reason}); nothing was saved")
    if "locked" in reason or "busy" in reason:
        return StoreError(f"{path}: the database stayed busy ({reason}); try again")
    if "unable to open" in reason:
        return StoreError(f"{path}: cannot open or create the database file ({reason})")
    return StoreError(f"{path}: {reason}")


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def sha256_hex(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()


def checkpoint(path: Path) -> None:
    """Copy committed WAL pages into the database, without waiting on readers or writers.

    Opens its own connection, so it may run in any thread.
    """
    conn = sqlite3.connect(path, timeout=0)
    try:
        conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
    except sqlite3.OperationalError:
        pass  # busy: the next one will do it
    finally:
        conn.close()


def default_annotator() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "annotator"


@dataclass(frozen=True)
class NewDocument:
    """A document read from a corpus file, before it has a row."""

    external_id: str
    title: str
    text: str
    sha256: str
    source_path: str | None = None
    format: str = "text"
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Document:
    id: int
    external_id: str
    title: str
    source_path: str | None
    sha256: str
    format: str
    text: str
    meta: dict[str, Any]
    status: Status
    annotation_count: int
    cursor: int
    scroll: int
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class DocumentRow:
    """What the library list shows of a document (no text)."""

    id: int
    external_id: str
    title: str
    chars: int
    status: Status
    annotation_count: int
    updated_at: str
    snippet: str | None = None


@dataclass(frozen=True)
class Annotation:
    id: str
    doc_id: int
    start: int
    end: int
    label: str
    quote: str
    prefix: str
    suffix: str
    note: str | None
    annotator: str
    origin: str
    created_at: str
    updated_at: str
    deleted_at: str | None = None
    orphaned: bool = False  # its quote could not be placed in the current text


@dataclass(frozen=True)
class Action:
    seq: int
    doc_id: int
    kind: str
    target: int | None
    before: list[dict[str, Any] | None]
    after: list[dict[str, Any] | None]
    annotator: str
    at: str


@dataclass
class ImportReport:
    added: int = 0
    unchanged: int = 0
    updated: int = 0
    refused: list[str] = field(default_factory=list)  # one line per refused document
    # annotations of updated documents, re-anchored in the new text
    annotations_unchanged: int = 0
    annotations_moved: int = 0
    annotations_orphaned: int = 0


ANNOTATION_COLUMNS = [f.name for f in Annotation.__dataclass_fields__.values()]
_ANNOTATION_SELECT = ", ".join(f'"{c}"' for c in ANNOTATION_COLUMNS)
# Keeps the row (and its rowid, hence its place among equal starts) when a state is rewritten.
_ANNOTATION_UPDATE = ", ".join(f'"{c}" = excluded."{c}"' for c in ANNOTATION_COLUMNS if c != "id")
_DOCUMENT_COLUMNS = [f.name for f in Document.__dataclass_fields__.values()]


def _annotation(row: Sequence[Any]) -> Annotation:
    values = dict(zip(ANNOTATION_COLUMNS, row, strict=True))
    values["orphaned"] = bool(values["orphaned"])
    return Annotation(**values)


_ACTION_SELECT = "seq, doc_id, kind, target, before, after, annotator, at FROM actions"


def _action(row: Sequence[Any]) -> Action:
    seq, doc_id, kind, target, before, after, annotator, at = row
    return Action(
        seq, doc_id, kind, target, orjson.loads(before), orjson.loads(after), annotator, at
    )


def _stored_fields(doc: NewDocument) -> tuple[str | None, ...]:
    """A new document's columns title, source_path, sha256, format, text and meta, in order."""
    meta = orjson.dumps(doc.meta).decode()
    return (doc.title, doc.source_path, doc.sha256, doc.format, doc.text, meta)


def _document(row: Sequence[Any]) -> Document:
    values = dict(zip(_DOCUMENT_COLUMNS, row, strict=True))
    values["meta"] = orjson.loads(values["meta"])
    return Document(**values)


def context(text: str, start: int, end: int) -> tuple[str, str]:
    """The prefix and suffix kept around ``text[start:end]``."""
    return text[max(0, start - CONTEXT_CHARS) : start], text[end : end + CONTEXT_CHARS]


@dataclass(frozen=True)
class _Passage:
    """A span of text with its context, as re-anchoring takes it."""

    start: int
    end: int
    quote: str
    prefix: str
    suffix: str


class Store:
    """One SQLite database file holding a corpus and its annotations."""

    def __init__(
        self,
        path: str | Path,
        *,
        annotator: str | None = None,
        create: bool = True,
        autocheckpoint: bool = True,
    ) -> None:
        """Open (creating and migrating as needed) the database at ``path``.

        With ``autocheckpoint=False`` no commit ever copies the WAL back into the database
        (which makes an occasional commit slow); the owner calls :func:`checkpoint` from
        another thread instead, and closing checkpoints what is left.
        """
        self.path = Path(path)
        self.annotator = annotator or default_annotator()
        self.autocheckpoint = autocheckpoint
        self._count_changes: dict[int, int] = {}  # doc id -> live annotations added, this write
        if not create and not self.path.exists():
            raise StoreError(f"{self.path}: no such database")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot create its folder ({exc.strerror})") from None
        # A database in a folder we may not write (no -shm can be made) opens read-only.
        self.read_only = False
        try:
            try:
                self.conn = self._connect(str(self.path), uri=False)
            except sqlite3.OperationalError as exc:
                reason = str(exc)
                if "readonly" not in reason and not (
                    "unable to open" in reason and self.path.is_file()
                ):
                    raise
                self.read_only = True
                location = urllib.parse.quote(str(self.path.resolve()))
                self.conn = self._connect(f"file:{location}?mode=ro&immutable=1", uri=True)
        except sqlite3.DatabaseError as exc:
            raise database_problem(self.path, exc) from None
        self.wal = self.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        if not autocheckpoint:
            self.conn.execute("PRAGMA wal_autocheckpoint = 0")
        try:
            self._migrate()
        except BaseException:
            self.conn.close()  # leaves no -wal or -shm behind a database it refused
            raise

    def _connect(self, location: str, *, uri: bool) -> sqlite3.Connection:
        conn = sqlite3.connect(location, uri=uri, isolation_level=None, timeout=30.0)
        try:
            conn.execute("PRAGMA busy_timeout = 30000")
            conn.execute("PRAGMA foreign_keys = ON")
            if not uri:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA user_version").fetchone()
        except BaseException:
            conn.close()
            raise
        return conn

    # -- connection and transactions -------------------------------------------------

    @cached_property
    def db(self) -> sqlite_utils.Database:
        """sqlite-utils on the same connection, for scripts and inspection (loaded lazily:
        importing it costs more than the rest of the start-up)."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    def close(self) -> None:
        if not self.autocheckpoint and self.wal and not self.read_only:
            with suppress(sqlite3.Error):
                self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken with ``BEGIN IMMEDIATE`` so it never deadlocks.

        It commits or leaves nothing behind; SQLite failures (read-only, disk full, damaged
        file) become a one-line StoreError.
        """
        if self.conn.in_transaction:  # nested: part of the outer transaction
            yield self.conn
            return
        if self.read_only:
            raise StoreError(f"{self.path}: the database is read-only; nothing was saved")
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
                self._write_counts()
                self.conn.execute("COMMIT")
            except BaseException:
                self._count_changes.clear()
                self._rollback()
                raise
        except (sqlite3.OperationalError, sqlite3.DatabaseError) as exc:
            if isinstance(exc, sqlite3.IntegrityError | sqlite3.ProgrammingError):
                raise
            raise database_problem(self.path, exc) from None

    def _rollback(self) -> None:
        if self.conn.in_transaction:
            with suppress(sqlite3.Error):  # a damaged file may refuse even this
                self.conn.execute("ROLLBACK")

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: every query inside sees the same state of the database."""
        try:
            self.conn.execute("BEGIN")
            try:
                yield self.conn
            except BaseException:
                self._rollback()
                raise
            self.conn.execute("COMMIT")
        except (sqlite3.OperationalError, sqlite3.DatabaseError) as exc:
            if isinstance(exc, sqlite3.IntegrityError | sqlite3.ProgrammingError):
                raise
            raise database_problem(self.path, exc) from None

    def _migrate(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: schema version {version} is newer than this reader "
                f"understands ({SCHEMA_VERSION}); upgrade attribution-reader"
            )
        if version == SCHEMA_VERSION:
            return
        if self.read_only:
            raise StoreError(
                f"{self.path}: the database is read-only and needs updating to schema"
                f" {SCHEMA_VERSION}; open it once where it can be written"
            )
        if version > 0:
            backup = self.path.with_name(f"{self.path.name}.v{version}.bak")
            log.warning(
                "%s: updating the database to schema %d; keeping a copy as %s first",
                self.path,
                SCHEMA_VERSION,
                backup.name,
            )
            try:
                self.backup(backup)
            except (OSError, sqlite3.Error) as exc:
                raise StoreError(
                    f"{self.path}: cannot back it up to {backup.name} before migrating ({exc});"
                    " nothing was changed"
                ) from None
        for number in range(version, SCHEMA_VERSION):
            script = MIGRATIONS[number]
            try:
                self.conn.executescript(
                    f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number + 1};\nCOMMIT;"
                )
            except sqlite3.Error as exc:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise StoreError(
                    f"{self.path}: migration to schema {number + 1} failed ({exc})"
                ) from None

    def backup(self, target: Path) -> Path:
        """A consistent copy of the database (safe while others write)."""
        tmp = target.with_name(target.name + ".tmp")
        dest = sqlite3.connect(tmp)
        try:
            self.conn.backup(dest)
        except BaseException:
            dest.close()
            tmp.unlink(missing_ok=True)
            raise
        dest.close()
        shutil.move(tmp, target)
        return target

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    # -- documents -------------------------------------------------------------------

    def import_documents(
        self, docs: Iterable[NewDocument], *, batch_size: int = 2000
    ) -> ImportReport:
        """Insert new documents, skip identical ones, and update changed ones.

        The annotations of a changed document are re-anchored in its new text (see
        ``reader.core.anchoring``); those that cannot be placed become orphans.

        ``docs`` is read lazily and stored in batches of ``batch_size``, each one
        ``BEGIN IMMEDIATE`` transaction that also indexes its new rows for search: memory
        stays bounded and other writers (the app) wait for one batch at most. An error
        part-way keeps the batches before it, and running the same import again completes
        it (stored documents are skipped). Inside an outer transaction, all is part of it.
        """
        report = ImportReport()
        stamp = now()
        pending = iter(docs)
        while batch := list(islice(pending, batch_size)):
            with self.write():
                self._import_batch(batch, stamp, report)
        return report

    def _import_batch(self, batch: list[NewDocument], stamp: str, report: ImportReport) -> None:
        stored = self.stored_versions([doc.external_id for doc in batch])
        new: dict[str, NewDocument] = {}  # by external id, inserted together at the end
        for doc in batch:
            earlier = new.get(doc.external_id)
            if earlier is not None:
                if earlier.sha256 == doc.sha256:
                    report.unchanged += 1
                    continue
                # Two versions in one batch: the first goes in, the second updates it.
                self._insert_documents(list(new.values()), stamp)
                stored |= self.stored_versions(list(new))
                new.clear()
            existing = stored.get(doc.external_id)
            if existing is None:
                new[doc.external_id] = doc
                report.added += 1
            elif existing[1] == doc.sha256:
                report.unchanged += 1
            else:
                moves = self._reanchor(existing[0], doc.text, stamp, report)
                self._replace_document(existing[0], doc, stamp)
                # Logged as a barrier: undo never reaches back across a change of text.
                self._log(existing[0], "reimport", *moves)
                stored[doc.external_id] = (existing[0], doc.sha256)
                report.updated += 1
        self._insert_documents(list(new.values()), stamp)

    def stored_versions(self, external_ids: list[str]) -> dict[str, tuple[int, str]]:
        """The row id and sha256 of each document of ``external_ids`` that is stored."""
        rows = self.conn.execute(
            "SELECT external_id, id, sha256 FROM documents"
            " WHERE external_id IN (SELECT value FROM json_each(?))",
            (orjson.dumps(external_ids).decode(),),
        )
        return {external_id: (doc_id, sha256) for external_id, doc_id, sha256 in rows}

    def _next_document_id(self) -> int:
        return int(
            self.conn.execute("SELECT coalesce(max(id), 0) + 1 FROM documents").fetchone()[0]
        )

    def _insert_documents(self, docs: list[NewDocument], stamp: str) -> None:
        """Insert new documents and index them for search (the index is opened even when
        there are none, so a damaged one is reported by every import)."""
        first_id = self._next_document_id()
        self.conn.executemany(
            "INSERT INTO documents (external_id, title, source_path, sha256, format, text, meta,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(doc.external_id, *_stored_fields(doc), stamp, stamp) for doc in docs],
        )
        self._index_documents_from(first_id)

    def _replace_document(self, doc_id: int, doc: NewDocument, stamp: str) -> None:
        self.conn.execute(
            "INSERT INTO documents_fts (documents_fts, rowid, title, text)"
            " SELECT 'delete', id, title, text FROM documents WHERE id = ?",
            (doc_id,),
        )
        self.conn.execute(
            "UPDATE documents SET title = ?, source_path = ?, sha256 = ?, format = ?, text = ?,"
            " meta = ?, cursor = 0, scroll = 0, updated_at = ? WHERE id = ?",
            (*_stored_fields(doc), stamp, doc_id),
        )
        self.conn.execute(
            "INSERT INTO documents_fts (rowid, title, text)"
            " SELECT id, title, text FROM documents WHERE id = ?",
            (doc_id,),
        )

    def _index_documents_from(self, first_id: int) -> None:
        self.conn.execute(
            "INSERT INTO documents_fts (rowid, title, text)"
            " SELECT id, title, text FROM documents WHERE id >= ?",
            (first_id,),
        )

    def document(self, doc_id: int) -> Document:
        row = self.conn.execute(
            f"SELECT {', '.join(_DOCUMENT_COLUMNS)} FROM documents WHERE id = ?", (doc_id,)
        ).fetchone()
        if row is None:
            raise StoreError(f"no document with id {doc_id}")
        return _document(row)

    def document_count(self, status: Status | None = None) -> int:
        if status is None:
            return int(self.conn.execute("SELECT count(*) FROM documents").fetchone()[0])
        return int(
            self.conn.execute(
                "SELECT count(*) FROM documents WHERE status = ?", (status,)
            ).fetchone()[0]
        )

    def document_ids(self) -> list[int]:
        return [r[0] for r in self.conn.execute("SELECT id FROM documents ORDER BY id")]

    def neighbour(self, doc_id: int, step: int) -> int | None:
        """The id of the next (``step=1``) or previous (``step=-1``) document by id."""
        if step > 0:
            sql = "SELECT id FROM documents WHERE id > ? ORDER BY id LIMIT 1"
        else:
            sql = "SELECT id FROM documents WHERE id < ? ORDER BY id DESC LIMIT 1"
        row = self.conn.execute(sql, (doc_id,)).fetchone()
        return None if row is None else int(row[0])

    def documents_page(self, after_id: int = 0, limit: int = 100) -> list[DocumentRow]:
        """Rows in id order after ``after_id`` (keyset paging: cost does not grow with depth)."""
        rows = self.conn.execute(
            "SELECT id, external_id, title, length(text), status, annotation_count, updated_at"
            " FROM documents WHERE id > ? ORDER BY id LIMIT ?",
            (after_id, limit),
        )
        return [DocumentRow(*r) for r in rows]

    def set_status(self, doc_id: int, status: Status) -> None:
        if status not in STATUSES:
            raise StoreError(f"unknown status {status!r}; use one of {', '.join(STATUSES)}")
        with self.write() as conn:
            conn.execute(
                "UPDATE documents SET status = ?, updated_at = ? WHERE id = ?",
                (status, now(), doc_id),
            )

    def save_position(self, doc_id: int, cursor: int, scroll: int) -> None:
        with self.write() as conn:
            conn.execute(
                "UPDATE documents SET cursor = ?, scroll = ? WHERE id = ?", (cursor, scroll, doc_id)
            )

    # -- annotations -----------------------------------------------------------------

    def annotations(self, doc_id: int, *, include_deleted: bool = False) -> list[Annotation]:
        where = "" if include_deleted else " AND deleted_at IS NULL"
        rows = self.conn.execute(
            f"SELECT {_ANNOTATION_SELECT} FROM annotations WHERE doc_id = ?{where}"
            ' ORDER BY start, "end", created_at, id',
            (doc_id,),
        )
        return [_annotation(r) for r in rows]

    def annotation(self, ann_id: str) -> Annotation:
        row = self.conn.execute(
            f"SELECT {_ANNOTATION_SELECT} FROM annotations WHERE id = ?", (ann_id,)
        ).fetchone()
        if row is None:
            raise StoreError(f"no annotation with id {ann_id}")
        return _annotation(row)

    def add_annotation(
        self,
        doc_id: int,
        start: int,
        end: int,
        label: str,
        *,
        note: str | None = None,
        origin: str = "manual",
    ) -> Annotation:
        """Tag ``text[start:end]``; the quote and its context are taken from the stored text."""
        with self.write():
            created = self._new_annotation(doc_id, start, end, label, note=note, origin=origin)
            self._log(doc_id, "add", [None], [created])
        return created

    def add_annotations(
        self, doc_id: int, spans: Iterable[tuple[int, int, str]], *, origin: str = "manual"
    ) -> list[Annotation]:
        """Several annotations as one action (one undo step)."""
        with self.write():
            created = [
                self._new_annotation(doc_id, s, e, lab, origin=origin) for s, e, lab in spans
            ]
            if created:
                self._log(doc_id, "add", [None] * len(created), list(created))
        return created

    def _new_annotation(
        self,
        doc_id: int,
        start: int,
        end: int,
        label: str,
        *,
        note: str | None = None,
        origin: str = "manual",
    ) -> Annotation:
        # One window around the quote is read: a long text is never copied out whole, and
        # a span past the end shows as a window shorter than the span.
        if not 0 <= start < end:
            raise StoreError(f"span [{start}, {end}) is not a passage")
        first = max(start - CONTEXT_CHARS, 0)
        row = self.conn.execute(
            "SELECT substr(text, ?, ?) FROM documents WHERE id = ?",
            (first + 1, end + CONTEXT_CHARS - first, doc_id),
        ).fetchone()
        if row is None:
            raise StoreError(f"no document with id {doc_id}")
        window: str = row[0]
        if len(window) < end - first:
            raise StoreError(f"span [{start}, {end}) runs past the end of the document")
        prefix, quote, suffix = (
            window[: start - first],
            window[start - first : end - first],
            window[end - first :],
        )
        if not label:
            raise StoreError("an annotation needs a label")
        stamp = now()
        annotation = Annotation(
            id=str(uuid.uuid4()),
            doc_id=doc_id,
            start=start,
            end=end,
            label=label,
            quote=quote,
            prefix=prefix,
            suffix=suffix,
            note=note,
            annotator=self.annotator,
            origin=origin,
            created_at=stamp,
            updated_at=stamp,
        )
        self._put(annotation)
        return annotation

    def import_annotations(self, annotations: Iterable[Annotation]) -> int:
        """Store annotations exactly as given (ids, annotator, times); existing ids are kept.

        Used by import of labelled data and by merge; returns how many were new. Not an
        undoable action: it brings in work done elsewhere. One transaction, written in
        batches: one lookup of the ids, then the new rows and the documents' counters.
        """
        added = 0
        pending = iter(annotations)
        with self.write() as conn:
            while batch := list(islice(pending, 1000)):
                known = {
                    row[0]
                    for row in conn.execute(
                        "SELECT id FROM annotations WHERE id IN (SELECT value FROM json_each(?))",
                        (orjson.dumps([a.id for a in batch]).decode(),),
                    )
                }
                fresh = []
                for annotation in batch:
                    if annotation.id not in known:
                        known.add(annotation.id)
                        fresh.append(annotation)
                self._insert_annotations(fresh)
                added += len(fresh)
        return added

    def _insert_annotations(self, fresh: list[Annotation]) -> None:
        """Insert annotations whose ids are new; live ones count on their documents as
        ``_put`` counts them."""
        placeholders = ", ".join("?" for _ in ANNOTATION_COLUMNS)
        self.conn.executemany(
            f"INSERT INTO annotations ({_ANNOTATION_SELECT}) VALUES ({placeholders})",
            [[getattr(a, column) for column in ANNOTATION_COLUMNS] for a in fresh],
        )
        live = Counter(a.doc_id for a in fresh if a.deleted_at is None)
        stamp = now()
        self.conn.executemany(
            "UPDATE documents SET annotation_count = annotation_count + ?, updated_at = ?,"
            " status = CASE WHEN status = 'new' THEN 'in_progress' ELSE status END"
            " WHERE id = ?",
            [(count, stamp, doc_id) for doc_id, count in live.items()],
        )

    def update_annotation(
        self, ann_id: str, *, label: str | None = None, note: str | None = None
    ) -> Annotation:
        """Change the label and/or the note (``note=""`` clears it)."""
        with self.write():
            before = self.annotation(ann_id)
            changes: dict[str, Any] = {"updated_at": now()}
            if label is not None:
                changes["label"] = label
            if note is not None:
                changes["note"] = note or None
            after = Annotation(**(asdict(before) | changes))
            self._put(after)
            self._log(before.doc_id, "update", [before], [after])
        return after

    def delete_annotation(self, ann_id: str) -> Annotation:
        with self.write():
            before = self.annotation(ann_id)
            if before.deleted_at is not None:
                raise StoreError(f"annotation {ann_id} is already deleted")
            after = Annotation(**(asdict(before) | {"deleted_at": now()}))
            self._put(after)
            self._log(before.doc_id, "delete", [before], [after])
        return after

    def _put(self, annotation: Annotation) -> None:
        """Write an annotation's whole state and keep the document's counters right."""
        values = asdict(annotation) | {"orphaned": int(annotation.orphaned)}
        old = self.conn.execute(
            "SELECT deleted_at FROM annotations WHERE id = ?", (annotation.id,)
        ).fetchone()
        was_live = old is not None and old[0] is None
        is_live = annotation.deleted_at is None
        placeholders = ", ".join("?" for _ in ANNOTATION_COLUMNS)
        self.conn.execute(
            f"INSERT INTO annotations ({_ANNOTATION_SELECT}) VALUES ({placeholders})"
            f" ON CONFLICT (id) DO UPDATE SET {_ANNOTATION_UPDATE}",
            [values[c] for c in ANNOTATION_COLUMNS],
        )
        delta = int(is_live) - int(was_live)
        if delta:
            doc_id = annotation.doc_id
            self._count_changes[doc_id] = self._count_changes.get(doc_id, 0) + delta

    def _write_counts(self) -> None:
        """The documents' counters, once per transaction: updating a document's row rewrites
        its whole text, which costs milliseconds for a long one."""
        stamp = now()
        for doc_id, delta in self._count_changes.items():
            if delta:
                self.conn.execute(
                    "UPDATE documents SET annotation_count = annotation_count + ?, updated_at = ?,"
                    " status = CASE WHEN status = 'new' THEN 'in_progress' ELSE status END"
                    " WHERE id = ?",
                    (delta, stamp, doc_id),
                )
        self._count_changes.clear()

    # -- action log, undo and redo ---------------------------------------------------

    def _log(
        self,
        doc_id: int,
        kind: str,
        before: Sequence[Annotation | dict[str, Any] | None],
        after: Sequence[Annotation | dict[str, Any] | None],
        target: int | None = None,
    ) -> int:
        def encode(items: Sequence[Annotation | dict[str, Any] | None]) -> str:
            rows = [asdict(a) if isinstance(a, Annotation) else a for a in items]
            return orjson.dumps(rows).decode()

        cursor = self.conn.execute(
            "INSERT INTO actions (doc_id, kind, target, before, after, annotator, at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (doc_id, kind, target, encode(before), encode(after), self.annotator, now()),
        )
        return int(cursor.lastrowid or 0)

    def actions(self, doc_id: int) -> list[Action]:
        rows = self.conn.execute(
            f"SELECT {_ACTION_SELECT} WHERE doc_id = ? ORDER BY seq", (doc_id,)
        )
        return [_action(r) for r in rows]

    def action(self, seq: int) -> Action:
        row = self.conn.execute(f"SELECT {_ACTION_SELECT} WHERE seq = ?", (seq,)).fetchone()
        if row is None:
            raise StoreError(f"no action {seq}")
        return _action(row)

    def _stacks(self, doc_id: int) -> tuple[list[int], list[int]]:
        """The undo and redo stacks (action seqs), replayed from the log's kinds alone."""
        done: list[int] = []
        undone: list[int] = []
        rows = self.conn.execute(
            "SELECT seq, kind FROM actions WHERE doc_id = ? ORDER BY seq", (doc_id,)
        )
        for seq, kind in rows:
            if kind == "reimport":
                done.clear()
                undone.clear()
            elif kind == "undo":
                undone.append(done.pop())
            elif kind == "redo":
                done.append(undone.pop())
            else:
                done.append(seq)
                undone.clear()
        return done, undone

    def history(self, doc_id: int) -> tuple[list[Action], list[Action]]:
        """The undo stack and the redo stack of a document, oldest first."""
        done, undone = self._stacks(doc_id)
        return [self.action(seq) for seq in done], [self.action(seq) for seq in undone]

    def undo(self, doc_id: int) -> Action | None:
        """Revert the document's latest action; returns it, or None when there is nothing."""
        return self._step(doc_id, backwards=True)

    def redo(self, doc_id: int) -> Action | None:
        """Re-apply the latest undone action; returns it, or None when there is nothing."""
        return self._step(doc_id, backwards=False)

    def _top(self, doc_id: int, *, backwards: bool) -> int | None:
        """The top of the undo (``backwards``) or redo stack that :meth:`_stacks` would build,
        found by reading the log from its end and stopping as soon as it is known.

        Both stacks keep their actions in log order, so the undo stack's top is the newest
        action whose latest undo or redo is not an undo, and the redo stack holds the actions
        undone since the newest action (its top is the oldest of them).
        """
        latest: dict[int, str] = {}  # action seq -> its newest "undo"/"redo"
        rows = self.conn.execute(
            "SELECT seq, kind, target FROM actions WHERE doc_id = ? ORDER BY seq DESC", (doc_id,)
        )
        for seq, kind, target in rows:
            if kind in ("undo", "redo"):
                latest.setdefault(target, kind)
            elif kind == "reimport" or not backwards:
                break
            elif latest.get(seq) != "undo":
                return int(seq)
        if backwards:
            return None
        undone = [seq for seq, kind in latest.items() if kind == "undo"]
        return min(undone, default=None)

    def _step(self, doc_id: int, *, backwards: bool) -> Action | None:
        with self.write():
            top = self._top(doc_id, backwards=backwards)
            if top is None:
                return None
            action = self.action(top)
            states, previous = (
                (action.before, action.after) if backwards else (action.after, action.before)
            )
            self._applier(action.kind)(states, previous)
            kind = "undo" if backwards else "redo"
            self._log(doc_id, kind, previous, states, target=action.seq)
        return action

    def _apply(
        self, states: Sequence[dict[str, Any] | None], previous: Sequence[dict[str, Any] | None]
    ) -> None:
        """Put each annotation into ``states``; ``None`` (never existed) becomes a tombstone."""
        stamp = now()
        for state, other in zip(states, previous, strict=True):
            if state is not None:
                self._put(Annotation(**state))
            elif other is not None:
                self._put(Annotation(**(other | {"deleted_at": stamp})))

    # -- summaries -------------------------------------------------------------------

    def label_counts(self) -> dict[str, int]:
        rows = self.conn.execute(
            "SELECT label, count(*) FROM annotations WHERE deleted_at IS NULL"
            " GROUP BY label ORDER BY label"
        )
        return {label: n for label, n in rows}

    def rebuild_search_index(self) -> None:
        """Rebuild the full-text index from the documents table."""
        with self.write() as conn:
            conn.execute("INSERT INTO documents_fts (documents_fts) VALUES ('rebuild')")

    def annotation_total(self) -> int:
        return int(
            self.conn.execute(
                "SELECT count(*) FROM annotations WHERE deleted_at IS NULL"
            ).fetchone()[0]
        )

    # -- re-anchoring, orphans, merged annotations -----------------------------------

    def _reanchor(
        self, doc_id: int, new_text: str, stamp: str, report: ImportReport
    ) -> tuple[list[Annotation], list[Annotation]]:
        """Move a document's live annotations into ``new_text``; the lost become orphans.

        Returns the annotations that changed, before and after.
        """
        old_text = self.document(doc_id).text
        annotations = self.annotations(doc_id)
        befores: list[Annotation] = []
        afters: list[Annotation] = []
        placements = relocate(old_text, new_text, annotations)
        for before, placement in zip(annotations, placements, strict=True):
            changes: dict[str, Any] = {"orphaned": placement is None}
            if placement is None:
                report.annotations_orphaned += 1
            else:
                start, end = placement.start, placement.end
                prefix, suffix = context(new_text, start, end)
                quote = new_text[start:end]
                changes |= {"start": start, "end": end, "quote": quote}
                changes |= {"prefix": prefix, "suffix": suffix}
                same = (start, end, quote) == (before.start, before.end, before.quote)
                if before.orphaned or not same:
                    report.annotations_moved += 1
                else:
                    report.annotations_unchanged += 1
            after = Annotation(**(asdict(before) | changes))
            if after != before:
                after = Annotation(**(asdict(after) | {"updated_at": stamp}))
                self._put(after)
                befores.append(before)
                afters.append(after)
        self._move_rejections(doc_id, old_text, new_text)
        return befores, afters

    def _move_rejections(self, doc_id: int, old_text: str, new_text: str) -> None:
        """Rejected suggestions follow their passage into the new text, or are forgotten."""
        rows = self.conn.execute(
            'SELECT start, "end", label FROM rejected_suggestions WHERE doc_id = ?', (doc_id,)
        ).fetchall()
        anchors = [
            _Passage(start, end, old_text[start:end], *context(old_text, start, end))
            for start, end, _ in rows
        ]
        placements = relocate(old_text, new_text, anchors)
        for (start, end, label), placement in zip(rows, placements, strict=True):
            if placement is not None and (placement.start, placement.end) == (start, end):
                continue
            key = (doc_id, start, end, label)
            if placement is None:
                self.conn.execute(
                    'DELETE FROM rejected_suggestions WHERE doc_id = ? AND start = ? AND "end" = ?'
                    " AND label = ?",
                    key,
                )
            else:
                self.conn.execute(
                    'UPDATE OR REPLACE rejected_suggestions SET start = ?, "end" = ?'
                    ' WHERE doc_id = ? AND start = ? AND "end" = ? AND label = ?',
                    (placement.start, placement.end, *key),
                )

    def orphans(self, doc_id: int | None = None) -> list[Annotation]:
        """Live annotations whose passage was lost when their document changed."""
        where, params = ("", ()) if doc_id is None else (" AND doc_id = ?", (doc_id,))
        rows = self.conn.execute(
            f"SELECT {_ANNOTATION_SELECT} FROM annotations"
            f" WHERE orphaned = 1 AND deleted_at IS NULL{where} ORDER BY doc_id, start, id",
            params,
        )
        return [_annotation(r) for r in rows]

    def place_annotation(self, ann_id: str, start: int, end: int) -> Annotation:
        """Move an annotation onto ``text[start:end]`` as one undoable action.

        Quote and context are taken from the text, so an orphan placed this way is whole again.
        """
        with self.write():
            before = self.annotation(ann_id)
            if before.deleted_at is not None:
                raise StoreError(f"annotation {ann_id} is deleted")
            text = self.document(before.doc_id).text
            if not 0 <= start < end <= len(text):
                raise StoreError(f"span [{start}, {end}) is outside the document (0..{len(text)})")
            prefix, suffix = context(text, start, end)
            changes = {"start": start, "end": end, "quote": text[start:end], "prefix": prefix}
            changes |= {"suffix": suffix, "orphaned": False, "updated_at": now()}
            after = Annotation(**(asdict(before) | changes))
            self._put(after)
            self._log(before.doc_id, "place", [before], [after])
        return after

    def replace_orphan(self, ann_id: str, start: int, end: int) -> Annotation:
        """Re-place an orphan on the passage the user selected (undoable)."""
        if not self.annotation(ann_id).orphaned:
            raise StoreError(f"annotation {ann_id} is not an orphan")
        return self.place_annotation(ann_id, start, end)

    def put_annotations(self, annotations: Iterable[Annotation]) -> None:
        """Write annotation states exactly as given, replacing same ids (used by merge).

        Not an undoable action: like ``import_annotations`` it brings in work done elsewhere.
        """
        with self.write():
            for annotation in annotations:
                self._put(annotation)

    # -- suggestions -----------------------------------------------------------------

    def accept_suggestion(self, doc_id: int, suggestion: Suggestion) -> Annotation:
        """Make a suggestion an annotation with origin ``rule:<name>`` (undoable)."""
        return self.accept_suggestions(doc_id, [suggestion])[0]

    def accept_suggestions(
        self, doc_id: int, suggestions: Iterable[Suggestion]
    ) -> list[Annotation]:
        """Make several suggestions annotations as one action (one undo step)."""
        with self.write():
            created = [
                self._new_annotation(doc_id, s.start, s.end, s.label, origin=s.origin)
                for s in suggestions
            ]
            if created:
                self._log(doc_id, "add", [None] * len(created), list(created))
        return created

    def reject_suggestion(self, doc_id: int, suggestion: Suggestion) -> bool:
        """Remember that a suggestion was refused (undoable); False if it already was."""
        row = {
            "doc_id": doc_id,
            "start": suggestion.start,
            "end": suggestion.end,
            "label": suggestion.label,
            "rule": suggestion.rule,
            "annotator": self.annotator,
            "at": now(),
        }
        with self.write():
            if not self._put_rejection(row, replace=False):
                return False
            self._log(doc_id, "reject", [None], [row])
        return True

    def rejected_suggestions(self, doc_id: int) -> set[tuple[int, int, str]]:
        """``(start, end, label)`` of every suggestion refused in the document."""
        rows = self.conn.execute(
            'SELECT start, "end", label FROM rejected_suggestions WHERE doc_id = ?', (doc_id,)
        )
        return {(start, end, label) for start, end, label in rows}

    def _put_rejection(self, row: dict[str, Any], *, replace: bool = True) -> bool:
        """Store a rejection row; False when one was there and ``replace`` is off."""
        cursor = self.conn.execute(
            f"INSERT OR {'REPLACE' if replace else 'IGNORE'} INTO rejected_suggestions"
            ' (doc_id, start, "end", label, rule, annotator, at)'
            " VALUES (:doc_id, :start, :end, :label, :rule, :annotator, :at)",
            row,
        )
        return cursor.rowcount > 0

    def _apply_rejections(
        self, states: Sequence[dict[str, Any] | None], previous: Sequence[dict[str, Any] | None]
    ) -> None:
        """Undo/redo of ``reject``: a row in ``states`` is restored, ``None`` removes it."""
        for state, other in zip(states, previous, strict=True):
            if state is not None:
                self._put_rejection(state)
            elif other is not None:
                self.conn.execute(
                    'DELETE FROM rejected_suggestions WHERE doc_id = ? AND start = ? AND "end" = ?'
                    " AND label = ?",
                    (other["doc_id"], other["start"], other["end"], other["label"]),
                )

    def _applier(
        self, kind: str
    ) -> Callable[[Sequence[dict[str, Any] | None], Sequence[dict[str, Any] | None]], None]:
        """How undo/redo puts back the states an action of ``kind`` logged."""
        return self._apply_rejections if kind == "reject" else self._apply

    # -- adjudication ----------------------------------------------------------------

    def replace_annotations(
        self,
        doc_id: int,
        remove: Sequence[str],
        add: Iterable[tuple[int, int, str]],
        *,
        origin: str = "manual",
    ) -> list[Annotation]:
        """Delete the ``remove`` ids and tag the ``add`` spans as one undoable action."""
        with self.write():
            stamp = now()
            removed = [self.annotation(ann_id) for ann_id in remove]
            deleted = [Annotation(**(asdict(a) | {"deleted_at": stamp})) for a in removed]
            for annotation in deleted:
                self._put(annotation)
            created = [self._new_annotation(doc_id, s, e, lab, origin=origin) for s, e, lab in add]
            if removed or created:
                before: list[Annotation | None] = [*removed, *[None] * len(created)]
                self._log(doc_id, "replace", before, [*deleted, *created])
        return created
