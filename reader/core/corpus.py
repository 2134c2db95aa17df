"""Reading corpus files (.txt, .md, .jsonl) into documents ready for the store.

Each bad file or line yields one clear message naming it and the reason; good files are
read regardless, so one bad file never costs the others.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from reader.core.store import NewDocument, sha256_hex
from reader.core.text import DecodeError, decode, normalise, one_line, title_from_text

TEXT_SUFFIXES = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
SUPPORTED = set(TEXT_SUFFIXES) | JSONL_SUFFIXES
MAX_JSON_DEPTH = 64


class CorpusError(ValueError):
    """One problem with one file or line; ``str()`` is the line to show the user."""


@dataclass
class ReadResult:
    documents: list[NewDocument] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def display_path(path: Path) -> str:
    return one_line(str(path))


def path_text(path: Path | str) -> str:
    """A path as storable text: bytes of the name that are not UTF-8 become U+FFFD."""
    return os.fsencode(path).decode("utf-8", "replace")


def corpus_files(paths: Iterable[Path]) -> Iterator[Path]:
    """The files to read: named files as they are, folders walked for supported suffixes."""
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED
            )
        else:
            yield path


def read_corpus(paths: Iterable[Path], *, errors: str = "strict") -> ReadResult:
    result = ReadResult()
    for path in corpus_files(paths):
        try:
            result.documents.extend(read_file(path, errors=errors))
        except CorpusError as exc:
            result.errors.append(str(exc))
    return result


def read_text(path: Path, *, errors: str = "strict") -> tuple[bytes, str]:
    """A supported file's bytes and their decoded text, or a CorpusError naming it."""
    name = display_path(path)
    if path.suffix.lower() not in SUPPORTED:
        raise CorpusError(f"{name}: unsupported file type (use .txt, .md or .jsonl)")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CorpusError(f"{name}: no such file") from None
    except OSError as exc:
        raise CorpusError(f"{name}: cannot read ({exc.strerror or exc})") from None
    try:
        return data, decode(data, errors=errors)
    except DecodeError as exc:
        raise CorpusError(f"{name}: {exc}") from None


def read_file(path: Path, *, errors: str = "strict") -> list[NewDocument]:
    name = display_path(path)
    suffix = path.suffix.lower()
    data, raw = read_text(path, errors=errors)
    if suffix in JSONL_SUFFIXES:
        return [document_from_record(r, path, n, w) for n, w, r in jsonl_records(path, raw)]
    text = normalise(raw)
    if not text.strip():
        raise CorpusError(f"{name}: empty document")
    return [
        NewDocument(
            external_id=path_text(path.stem),
            title=title_from_text(text, path_text(path.stem)),
            text=text,
            sha256=sha256_hex(data),
            source_path=path_text(path.resolve()),
            format=TEXT_SUFFIXES[suffix],
        )
    ]


def _depth(value: Any, limit: int = MAX_JSON_DEPTH) -> int:
    """Nesting depth of a parsed JSON value, stopping once past ``limit``."""
    stack = [(value, 1)]
    deepest = 0
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        children = (
            item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        )
        stack.extend((child, depth + 1) for child in children)
    return deepest


def parse_jsonl_line(line: str, where: str) -> dict[str, Any]:
    """One JSONL line as a dict, or a CorpusError naming ``where``."""
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        raise CorpusError(f"{where}: malformed JSON ({exc.msg})") from None
    if not isinstance(record, dict):
        raise CorpusError(f"{where}: expected a JSON object")
    return record


def jsonl_records(path: Path, raw: str) -> Iterator[tuple[int, str, dict[str, Any]]]:
    """Each non-blank line's number, where-label for messages, and JSON object."""
    name = display_path(path)
    seen = False
    for number, line in enumerate(raw.split("\n"), start=1):
        if not line.strip():
            continue
        seen = True
        where = f"{name}: line {number}"
        yield number, where, parse_jsonl_line(line, where)
    if not seen:
        raise CorpusError(f"{name}: empty document")


def document_from_record(
    record: dict[str, Any], path: Path, number: int, where: str
) -> NewDocument:
    """A document from a JSONL record with ``text`` and optional ``id``, ``title``, ``meta``."""
    if _depth(record) > MAX_JSON_DEPTH:
        raise CorpusError(f"{where}: JSON nested deeper than {MAX_JSON_DEPTH} levels")
    text = record.get("text")
    if not isinstance(text, str):
        raise CorpusError(f'{where}: no "text" string')
    text = normalise(text)
    if not text.strip():
        raise CorpusError(f"{where}: empty text")
    meta = record.get("meta", {})
    if not isinstance(meta, dict):
        raise CorpusError(f'{where}: "meta" must be an object')
    raw_id = record.get("id", meta.get("id"))
    if not isinstance(raw_id, str | int | None):  # floats too: big integers arrive as floats
        raise CorpusError(f'{where}: "id" must be a string or a 64-bit integer')
    fallback_id = f"{path_text(path.stem)}:{number}"
    external_id = normalise(str(raw_id)) if raw_id not in (None, "") else fallback_id
    title = record.get("title", meta.get("title"))
    title = normalise(title) if isinstance(title, str) and title.strip() else None
    return NewDocument(
        external_id=external_id,
        title=title or title_from_text(text, external_id),
        text=text,
        sha256=sha256_hex(text),
        source_path=path_text(path.resolve()),
        format="markdown" if record.get("format") == "markdown" else "text",
        meta=meta,
    )
