"""Text normalisation at import and control-character sanitising for display.

Offsets everywhere in the project are Python ``str`` indices into the text that
:func:`normalise` returns; nothing after import may change the length of a text.
"""

from __future__ import annotations

import re
import unicodedata

# C0 except \t and \n, DEL, C1, bidi embeddings/overrides/isolates, and lone surrogates.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NUL_OR_SURROGATE = re.compile("[\x00\ud800-\udfff]")
_REPLACEMENT = "\ufffd"
# Visible one-cell stand-ins: control pictures for C0, a middle dot for the rest.
_C0_PICTURES = {i: chr(0x2400 + i) for i in range(0x20)} | {0x7F: "\u2421"}


class DecodeError(ValueError):
    """Raised when bytes are not a text document we can store."""


def decode(data: bytes, *, errors: str = "strict") -> str:
    """Decode UTF-8 (a BOM is dropped); refuse binary data and invalid UTF-8."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DecodeError("UTF-16 is not supported, save the file as UTF-8")
    if b"\x00" in data:
        raise DecodeError("binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8-sig", errors=errors)
    except UnicodeDecodeError as exc:
        raise DecodeError(f"not UTF-8: invalid byte at offset {exc.start}") from None


def normalise(text: str) -> str:
    """The one normalisation at import: newlines to ``\\n``, NFC, no NUL or lone surrogate.

    Each step runs only when a fast test in C says the text needs it, so the common case
    (already NFC, no NUL) costs a few scans of the text.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.isascii():
        return text.replace("\x00", _REPLACEMENT) if "\x00" in text else text
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    # Lone surrogates (possible from JSON escapes) cannot be stored as UTF-8, and SQLite's
    # text functions (length, substr) stop at a NUL: both become U+FFFD, one for one.
    # Encoding finds both faster than a search of the str for either.
    try:
        if b"\x00" not in text.encode("utf-8"):
            return text
    except UnicodeEncodeError:
        pass
    return _NUL_OR_SURROGATE.sub(_REPLACEMENT, text)


def _picture(match: re.Match[str]) -> str:
    return _C0_PICTURES.get(ord(match.group()), "\u00b7")


def sanitise(text: str) -> str:
    """Replace every character that could drive the terminal with a visible symbol.

    One character in, one character out, so offsets stay valid for display.
    ``\\t`` and ``\\n`` are kept; callers that render lines handle them.
    """
    return _UNSAFE.sub(_picture, text)


def one_line(text: str) -> str:
    """Sanitised text for a single-line place (titles, notices): newlines and tabs become spaces."""
    return sanitise(text).replace("\n", " ").replace("\t", " ")


def title_from_text(text: str, fallback: str, limit: int = 120) -> str:
    """The first non-blank line of a document, or ``fallback`` when there is none."""
    for line in text.split("\n"):
        line = line.strip()
        if line:
            line = line.lstrip("#").strip() or line
            return line if len(line) <= limit else line[: limit - 1] + "…"
    return fallback


def counted(number: int, noun: str) -> str:
    """``1 document``, ``2,000 documents``: a count with its noun in the right number."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"
