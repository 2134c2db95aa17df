"""brat standoff: a folder with ``<name>.txt`` and ``<name>.ann`` per document.

``T1<TAB>TYPE start end<TAB>quote`` per span, offsets in code points (= Python ``str``
indices; brat reads the ``.txt`` as UTF-8 text). A quote that crosses a line break is
written as discontinuous fragments ``start end;start end`` that leave the breaks out (brat
joins fragment texts with a space). Notes become ``#1<TAB>AnnotatorNotes T1<TAB>note``.
brat type names cannot hold spaces, so a label becomes a type with ``_`` for anything but
letters, digits and ``-``; ``annotation.conf`` lists the types and ``visual.conf`` shows
each with its label. File names come from the document ids the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from reader.core.export.base import ExportDoc, Format, Run

# What brat (reading the .ann line by line) may take for a line break.
LINE_BREAKS = re.compile("[\n\v\f\r\x1c-\x1e\x85\u2028\u2029]")
_NOT_NAME = re.compile(r"[^\w-]+")
NAME_LIMIT = 100


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``[start, end)`` split around line breaks, empty pieces left out."""
    pieces = []
    position = start
    for match in LINE_BREAKS.finditer(text, start, end):
        if match.start() > position:
            pieces.append((position, match.start()))
        position = match.end()
    if position < end:
        pieces.append((position, end))
    return pieces


def _unique(name: str, used: set[str]) -> str:
    candidate, number = name, 1
    while candidate in used:
        number += 1
        candidate = f"{name}_{number}"
    used.add(candidate)
    return candidate


def type_names(labels: list[str]) -> dict[str, str]:
    """A distinct brat type name for each label."""
    used: set[str] = set()
    return {label: _unique(_NOT_NAME.sub("_", label) or "label", used) for label in labels}


def write(docs: Iterator[ExportDoc], folder: Path, run: Run) -> None:
    types = type_names(run.labels())
    files: set[str] = set()
    for doc in docs:
        stem = _unique(_NOT_NAME.sub("_", doc.external_id)[:NAME_LIMIT].lstrip("_") or "doc", files)
        (folder / f"{stem}.txt").write_bytes(doc.text.encode())
        (folder / f"{stem}.ann").write_bytes(_standoff(doc, types, run).encode())
    entities = "\n".join(types.values())
    (folder / "annotation.conf").write_bytes(
        f"[entities]\n{entities}\n\n[relations]\n\n[events]\n\n[attributes]\n".encode()
    )
    shown = "".join(f"{name} | {label.replace('|', '/')}\n" for label, name in types.items())
    (folder / "visual.conf").write_bytes(f"[labels]\n{shown}".encode())


def _standoff(doc: ExportDoc, types: dict[str, str], run: Run) -> str:
    lines = []
    number = 0
    for span in doc.spans:
        pieces = fragments(doc.text, span["start"], span["end"])
        if not pieces:
            run.dropped(doc, span, "holds only line breaks")
            continue
        if (pieces[0][0], pieces[-1][1]) != (span["start"], span["end"]):
            reason = "starts or ends with a line break, which fragments leave out"
            run.misaligned(doc, span, pieces[0][0], pieces[-1][1], reason)
        number += 1
        offsets = ";".join(f"{start} {end}" for start, end in pieces)
        quote = " ".join(doc.text[start:end] for start, end in pieces)
        lines.append(f"T{number}\t{types[span['label']]} {offsets}\t{quote}\n")
        if span["note"]:
            note = LINE_BREAKS.sub(" ", span["note"])
            lines.append(f"#{number}\tAnnotatorNotes T{number}\t{note}\n")
    return "".join(lines)


FORMAT = Format(
    name="brat",
    description="brat standoff: a folder of .txt + .ann files (code point offsets)",
    write_folder=write,
    replaceable=frozenset({".txt", ".ann", ".conf"}),
)
