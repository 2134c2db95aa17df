"""The documents and the mix of annotation writes that the harnesses drive through the store."""

from __future__ import annotations

import random
from dataclasses import dataclass

from reader.core.store import NewDocument, Store, StoreError, sha256_hex

LABELS = ("anonymous source", "official statement", "denial")
KINDS = ("add", "update", "delete", "undo", "redo")
WEIGHTS = (40, 15, 15, 20, 10)
# News-like words plus text whose offsets are easy to get wrong (combining marks, CJK, emoji).
_PHRASES = (
    "the minister said officials familiar with the matter told reporters U.S. Mr. Zhao "
    "denied that talks were held on condition of anonymity café naïve 北京 会谈 😀 👍🏽 e\u0301"
)
WORDS = _PHRASES.split()


def make_documents(count: int, rng: random.Random, words: int = 300) -> list[NewDocument]:
    docs = []
    for number in range(1, count + 1):
        lines = [" ".join(rng.choices(WORDS, k=15)) + "." for _ in range(words // 15)]
        text = "\n".join(lines)
        docs.append(NewDocument(f"stress-{number}", f"Stress {number}", text, sha256_hex(text)))
    return docs


@dataclass(frozen=True)
class Write:
    """One committed action as a writer reports it: enough to find it in the database."""

    seq: int
    kind: str
    doc_id: int
    annotation_id: str  # "-" for undo and redo

    def line(self) -> bytes:
        return f"{self.seq} {self.kind} {self.doc_id} {self.annotation_id}\n".encode()

    @classmethod
    def parse(cls, line: str) -> Write:
        seq, kind, doc_id, annotation_id = line.split()
        return cls(int(seq), kind, int(doc_id), annotation_id)


def random_write(store: Store, rng: random.Random, lengths: dict[int, int]) -> Write | None:
    """Perform one random annotation action; the committed action, or None when there was none.

    ``lengths`` maps document ids to text lengths. The action's seq is read back by annotator,
    so each concurrent writer needs its own annotator name.
    """
    doc_id = rng.choice(list(lengths))
    kind = rng.choices(KINDS, WEIGHTS)[0]
    target = "-"
    try:
        if kind == "add":
            start = rng.randrange(lengths[doc_id] - 1)
            end = rng.randint(start + 1, min(lengths[doc_id], start + 200))
            note = rng.choice((None, "checked", "[b]not markup[/b]"))
            target = store.add_annotation(doc_id, start, end, rng.choice(LABELS), note=note).id
        elif kind in ("update", "delete"):
            live = store.annotations(doc_id)
            if not live:
                return None
            target = rng.choice(live).id
            if kind == "update":
                store.update_annotation(target, label=rng.choice(LABELS), note=str(rng.random()))
            else:
                store.delete_annotation(target)
        elif (store.undo(doc_id) if kind == "undo" else store.redo(doc_id)) is None:
            return None
    except StoreError:  # another writer deleted it between our read and our write
        return None
    seq = store.conn.execute(
        "SELECT seq FROM actions WHERE doc_id = ? AND annotator = ? ORDER BY seq DESC LIMIT 1",
        (doc_id, store.annotator),
    ).fetchone()[0]
    return Write(seq, kind, doc_id, target)
