"""Reading corpus files (.txt, .md, .jsonl) into documents ready for the store.

Files are read lazily, JSONL line by line, so a corpus of any size passes through in
constant memory. Each bad file or line gives one clear message naming it (to ``on_error``)
and is skipped; the good ones are read regardless.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, NoReturn

import orjson

from reader.core.store import NewDocument, sha256_hex
from reader.core.text import DecodeError, decode, normalise, one_line, title_from_text

TEXT_SUFFIXES = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
SUPPORTED = set(TEXT_SUFFIXES) | JSONL_SUFFIXES
MAX_JSON_DEPTH = 64
UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
BLANK = object()  # what a blank JSONL line parses to

OnError = Callable[[str], None]


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


@dataclass(frozen=True)
class Source:
    """What every document of one file shares, worked out once per file."""

    name: str  # the path as shown in messages
    stem: str  # the file name without suffix, for ids
    source_path: str  # the resolved path, stored for provenance

    @classmethod
    def of(cls, path: Path) -> Source:
        return cls(display_path(path), path_text(path.stem), path_text(path.resolve()))

    def where(self, number: int) -> str:
        return f"{self.name}: line {number}"


def corpus_files(paths: Iterable[Path]) -> Iterator[Path]:
    """The files to read: named files as they are, folders walked for supported suffixes."""
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED
            )
        else:
            yield path


def read_documents(
    paths: Iterable[Path], *, errors: str = "strict", on_error: OnError
) -> Iterator[NewDocument]:
    """Every document of ``paths``, read lazily; each bad file or line goes to ``on_error``."""
    for path in corpus_files(paths):
        try:
            yield from file_documents(path, errors=errors, on_error=on_error)
        except CorpusError as exc:
            on_error(str(exc))


def file_documents(path: Path, *, errors: str, on_error: OnError) -> Iterator[NewDocument]:
    """The documents of one file; a bad line goes to ``on_error``, a bad file raises."""
    if path.suffix.lower() not in JSONL_SUFFIXES:
        yield text_document(path, errors=errors)
        return
    source = Source.of(path)
    for number, record in jsonl_records(path, source, errors=errors, on_error=on_error):
        try:
            yield document_from_record(record, source, number)
        except CorpusError as exc:
            on_error(str(exc))


def read_corpus(paths: Iterable[Path], *, errors: str = "strict") -> ReadResult:
    """All documents of ``paths`` in one list: for small corpora (tests, tools)."""
    result = ReadResult()
    result.documents.extend(read_documents(paths, errors=errors, on_error=result.errors.append))
    return result


def refuse(message: str) -> NoReturn:
    """An ``on_error`` that stops at the first problem."""
    raise CorpusError(message)


def read_file(path: Path, *, errors: str = "strict") -> list[NewDocument]:
    """The documents of one file; its first bad line refuses it (a CorpusError)."""
    return list(file_documents(path, errors=errors, on_error=refuse))


def _open(path: Path, name: str) -> BinaryIO:
    if path.suffix.lower() not in SUPPORTED:
        raise CorpusError(f"{name}: unsupported file type (use .txt, .md or .jsonl)")
    try:
        return path.open("rb")
    except FileNotFoundError:
        raise CorpusError(f"{name}: no such file") from None
    except OSError as exc:
        raise CorpusError(f"{name}: cannot read ({exc.strerror or exc})") from None


def read_text(path: Path, *, errors: str = "strict") -> tuple[bytes, str]:
    """A supported file's bytes and their decoded text, or a CorpusError naming it."""
    name = display_path(path)
    with _open(path, name) as file:
        try:
            data = file.read()
        except OSError as exc:
            raise CorpusError(f"{name}: cannot read ({exc.strerror or exc})") from None
    try:
        return data, decode(data, errors=errors)
    except DecodeError as exc:
        raise CorpusError(f"{name}: {exc}") from None


def text_document(path: Path, *, errors: str = "strict") -> NewDocument:
    """A .txt or .md file as one document."""
    data, raw = read_text(path, errors=errors)
    text = normalise(raw)
    if not text.strip():
        raise CorpusError(f"{display_path(path)}: empty document")
    stem = path_text(path.stem)
    return NewDocument(
        external_id=stem,
        title=title_from_text(text, stem),
        text=text,
        sha256=sha256_hex(data),
        source_path=path_text(path.resolve()),
        format=TEXT_SUFFIXES[path.suffix.lower()],
    )


def jsonl_records(
    path: Path, source: Source, *, errors: str, on_error: OnError
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each JSON object line's number and object, read one line at a time.

    A line that is not a JSON object goes to ``on_error``. A file that cannot be read, is
    UTF-16 or binary, or has no line that is not blank raises a CorpusError.
    """
    seen = False
    offset = 0  # of the line in the file, for messages about bytes
    with _open(path, source.name) as file:
        try:
            for number, line in enumerate(file, start=1):
                if number == 1:
                    line, offset = _first_line(line, source.name)
                start, offset = offset, offset + len(line)
                try:
                    record = orjson.loads(line)
                except orjson.JSONDecodeError as exc:
                    try:
                        record = _reparse(line, start, errors, exc)
                    except CorpusError as problem:
                        seen = True
                        on_error(f"{source.where(number)}: {problem}")
                        continue
                    if record is BLANK:
                        continue
                seen = True
                if isinstance(record, dict):
                    yield number, record
                else:
                    on_error(f"{source.where(number)}: expected a JSON object")
        except OSError as exc:
            raise CorpusError(f"{source.name}: cannot read ({exc.strerror or exc})") from None
    if not seen:
        raise CorpusError(f"{source.name}: empty document")


def _first_line(line: bytes, name: str) -> tuple[bytes, int]:
    """The first line without its UTF-8 BOM, and where it starts; UTF-16 and binary files
    are refused."""
    if line.startswith(UTF16_BOMS):
        raise CorpusError(f"{name}: UTF-16 is not supported, save the file as UTF-8")
    if b"\x00" in line:
        raise CorpusError(f"{name}: binary file (contains NUL bytes)")
    if line.startswith(UTF8_BOM):
        return line[len(UTF8_BOM) :], len(UTF8_BOM)
    return line, 0


def _reparse(line: bytes, offset: int, errors: str, exc: orjson.JSONDecodeError) -> Any:
    """Why a line orjson refused is bad (a CorpusError), BLANK for a blank line, or its
    object once bad bytes are replaced."""
    replaced = False
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as bad:
        if errors != "replace":
            raise CorpusError(f"not UTF-8: invalid byte at offset {offset + bad.start}") from None
        text, replaced = line.decode("utf-8", "replace"), True
    if not text.strip():
        return BLANK
    if "\x00" in text:
        raise CorpusError("binary data (contains NUL bytes)")
    if replaced:
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError as again:
            exc = again
    raise CorpusError(f"malformed JSON ({exc.msg})")


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


def too_deep(meta: dict[str, Any]) -> bool:
    """Whether a record holding ``meta`` nests deeper than MAX_JSON_DEPTH levels.

    The other fields of a record are checked to be strings or numbers, so only ``meta``
    can be deep; most are flat, which one pass over their values tells.
    """
    if not any(isinstance(value, (dict, list)) for value in meta.values()):
        return False
    return _depth(meta) + 1 > MAX_JSON_DEPTH


def document_from_record(record: dict[str, Any], source: Source, number: int) -> NewDocument:
    """A document from a JSONL record with ``text`` and optional ``id``, ``title``, ``meta``."""
    text = record.get("text")
    if not isinstance(text, str):
        raise CorpusError(f'{source.where(number)}: no "text" string')
    text = normalise(text)
    if not text or text.isspace():
        raise CorpusError(f"{source.where(number)}: empty text")
    meta = record.get("meta", {})
    if not isinstance(meta, dict):
        raise CorpusError(f'{source.where(number)}: "meta" must be an object')
    if too_deep(meta):
        raise CorpusError(
            f"{source.where(number)}: JSON nested deeper than {MAX_JSON_DEPTH} levels"
        )
    raw_id = record.get("id", meta.get("id"))
    if not isinstance(raw_id, str | int | None):  # floats too: big integers arrive as floats
        raise CorpusError(f'{source.where(number)}: "id" must be a string or a 64-bit integer')
    external_id = f"{source.stem}:{number}" if raw_id in (None, "") else normalise(str(raw_id))
    title = record.get("title", meta.get("title"))
    title = normalise(title) if isinstance(title, str) and title.strip() else None
    return NewDocument(
        external_id=external_id,
        title=title or title_from_text(text, external_id),
        text=text,
        sha256=sha256_hex(text),
        source_path=source.source_path,
        format="markdown" if record.get("format") == "markdown" else "text",
        meta=meta,
    )
