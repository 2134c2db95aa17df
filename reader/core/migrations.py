"""Numbered schema migrations, applied in order and recorded in ``PRAGMA user_version``.

Append new migrations at the end; never edit one that has shipped. Before migrating a
database that already holds data, the store copies it aside (see ``Store``).
"""

from __future__ import annotations

# Each entry is one SQL script; the store runs it in a single transaction.
_V1_INITIAL = """
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    external_id TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    source_path TEXT,
    sha256 TEXT NOT NULL,
    format TEXT NOT NULL DEFAULT 'text',
    text TEXT NOT NULL,
    meta TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL DEFAULT 'new'
        CHECK (status IN ('new', 'in_progress', 'done')),
    annotation_count INTEGER NOT NULL DEFAULT 0,
    cursor INTEGER NOT NULL DEFAULT 0,
    scroll INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX documents_status ON documents(status, id);
CREATE INDEX documents_title ON documents(title, id);
CREATE INDEX documents_count ON documents(annotation_count, id);

CREATE VIRTUAL TABLE documents_fts USING fts5(
    title, text, content='documents', content_rowid='id', tokenize='unicode61'
);

CREATE TABLE annotations (
    id TEXT PRIMARY KEY,
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    label TEXT NOT NULL,
    quote TEXT NOT NULL,
    prefix TEXT NOT NULL DEFAULT '',
    suffix TEXT NOT NULL DEFAULT '',
    note TEXT,
    annotator TEXT NOT NULL,
    origin TEXT NOT NULL DEFAULT 'manual',
    orphaned INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    CHECK (start >= 0 AND "end" > start)
);
CREATE INDEX annotations_doc ON annotations(doc_id, start);
CREATE INDEX annotations_label ON annotations(label);

CREATE TABLE actions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    target INTEGER REFERENCES actions(seq),
    before TEXT NOT NULL DEFAULT '[]',
    after TEXT NOT NULL DEFAULT '[]',
    annotator TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX actions_doc ON actions(doc_id, seq);

CREATE TABLE rejected_suggestions (
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    label TEXT NOT NULL,
    rule TEXT,
    annotator TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (doc_id, start, "end", label)
);
"""

# The library sorts by date with keyset paging on (updated_at, id).
_V2_DATE_INDEX = """
CREATE INDEX documents_updated ON documents(updated_at, id);
"""

MIGRATIONS: list[str] = [_V1_INITIAL, _V2_DATE_INDEX]
SCHEMA_VERSION = len(MIGRATIONS)
