"""Two annotators' databases over the sample corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.corpus import read_corpus
from reader.core.store import Store

SAMPLES = Path(__file__).parents[2] / "sample_corpus"
DRONES = "us-warns-russia-asked-china-for-drones"
ALIGNMENT = "us-concern-china-russia-alignment"

# (document, phrase, label) for each annotator; bob's spans differ a little from alice's
ALICE = [
    (DRONES, "as per the sources familiar with the matter", "anonymous source"),
    (DRONES, "The U.S. has been maliciously spreading disinformation targeting China", "denial"),
    (DRONES, "Zhao said", "official statement"),
    (ALIGNMENT, "speaking on condition of anonymity", "anonymous source"),
]
BOB = [
    (DRONES, "the sources familiar with the matter", "anonymous source"),
    (DRONES, "The U.S. has been maliciously spreading disinformation targeting China", "denial"),
    (DRONES, "declined to say whether the request for military aid came up", "denial"),
    (ALIGNMENT, "speaking on condition of anonymity", "anonymous source"),
]


def doc_id(store: Store, external_id: str) -> int:
    row = store.conn.execute(
        "SELECT id FROM documents WHERE external_id = ?", (external_id,)
    ).fetchone()
    return int(row[0])


def annotate(store: Store, spans: list[tuple[str, str, str]]) -> None:
    for external_id, phrase, label in spans:
        text = store.document(doc_id(store, external_id)).text
        start = text.index(phrase)
        store.add_annotation(doc_id(store, external_id), start, start + len(phrase), label)


def annotator_db(
    path: Path, name: str, spans: list[tuple[str, str, str]], *, reverse: bool = False
) -> Path:
    """A database of the sample corpus tagged by ``name`` (``reverse``: other doc ids)."""
    documents = read_corpus([SAMPLES]).documents
    with Store(path, annotator=name) as store:
        store.import_documents(documents[::-1] if reverse else documents)
        annotate(store, spans)
    return path


@pytest.fixture
def alice_db(tmp_path: Path) -> Path:
    return annotator_db(tmp_path / "alice.db", "alice", ALICE)


@pytest.fixture
def bob_db(tmp_path: Path) -> Path:
    return annotator_db(tmp_path / "bob.db", "bob", BOB, reverse=True)
