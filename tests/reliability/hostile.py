"""A corpus of hostile and broken files, written into a folder by the tests that need it.

Each case is stored (``text`` is then the exact stored text) or refused (``refusal`` is
part of the one line that names the file).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

MARKUP = (
    "[@click=app.quit]quit[/] [/b] [bold red]red[/bold red] "
    "[link=file:///etc/passwd]x[/link] [TODO] [on red]"
)
CSI = "\x1b[2J\x1b[H\x1b[31mred\x1b[0m\x1b[?1049h\x1b[6n"
OSC = (
    "\x1b]0;pwned title\x07 \x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\ "
    "\x1b]52;c;cHduZWQ=\x07"
)
C0 = "".join(chr(c) for c in range(1, 32) if c not in (10, 13))
C1 = "".join(chr(c) for c in range(0x80, 0xA0))
BIDI = "\u202eevil\u202c \u2066iso\u2069 \u202a\u202b\u202d!"
ZERO_WIDTH = "a\u200bb\u200c\u200d\u2060c\ufeffd"

# The documents' own control sequences: none may reach the terminal, whatever else the app
# writes there to draw (checked on output decoded as UTF-8, so a 0x9B byte inside a UTF-8
# sequence is not mistaken for C1 CSI).
PAYLOADS = (
    "\x1b]0;pwned",
    "\x1b]52;c;cHduZWQ=",
    "\x1b]8;;https://evil.example/",
    "\x1b[?1049h\x1b[6n",
    "\x1b[31mred",
    "\x9b",
    "\x85",
    "\u202e",
    "\u2066",
    "\x00",
    "\x7f",
)


@dataclass(frozen=True)
class Case:
    id: str
    filename: str  # may hold control characters and markup; bytes not UTF-8 via surrogateescape
    data: bytes
    text: str | None = None  # the stored text, when stored
    refusal: str | None = None  # part of the refusal line, when refused

    def write(self, folder: Path) -> Path:
        path = folder / self.filename
        path.write_bytes(self.data)
        return path


def _stored(case_id: str, filename: str, text: str, data: bytes | None = None) -> Case:
    return Case(case_id, filename, data if data is not None else text.encode(), text=text)


def _jsonl(case_id: str, line: str, refusal: str | None, text: str | None = None) -> Case:
    return Case(case_id, f"{case_id}.jsonl", line.encode(), text=text, refusal=refusal)


BIG_LINE = "word " * 2_000_000  # 10 MB on one line
DEEP = '{"text": "deep", "meta": ' + '{"a": ' * 1000 + "1" + "}" * 1000 + "}"
UNSAFE_NAME = "\x1b]0;pwned\x07[@click=app.quit][red]x\x9b\u202e"  # no "/" in a name

CASES = [
    _stored("markup", "markup.txt", f"Markup\n{MARKUP}"),
    _stored("csi", "csi.txt", f"CSI\n{CSI}"),
    _stored("osc", "osc.txt", f"OSC\n{OSC}"),
    _stored("c0", "c0.txt", f"C0\n{C0}"),
    _stored("c1", "c1.txt", f"C1\n{C1}"),
    _stored("del", "del.txt", "DEL\na\x7fb"),
    _stored("bidi", "bidi.txt", f"Bidi\n{BIDI}"),
    _stored("zero-width", "zero-width.txt", f"Zero width\n{ZERO_WIDTH}"),
    _stored("bom", "bom.txt", "BOM\nafter a BOM", b"\xef\xbb\xbfBOM\nafter a BOM"),
    _stored("crlf", "crlf.txt", "CRLF\nline two\n", b"CRLF\r\nline two\r\n"),
    _stored("cr", "cr.txt", "CR\nline two\n", b"CR\rline two\r"),
    _stored("big-line", "big-line.txt", BIG_LINE),
    _stored("markup-name", "[@click=app.quit][b]name[red].txt", "named with markup"),
    _stored("control-name", f"{UNSAFE_NAME}.txt", "named with control characters"),
    _stored("newline-name", "two\nlines.txt", "named with a newline"),
    _stored("undecodable-name", os.fsdecode(b"latin\xe9.txt"), "named in Latin-1"),
    _jsonl(
        "hostile-fields",
        '{"id": "[@click=app.quit]\\u001b]0;x\\u0007", "title": "\\u001b]52;c;AAAA\\u0007[b]T",'
        f' "text": "{MARKUP} \\u001b]0;t\\u0007 \\u009b31m \\u202e", "meta": {{"s": "\\u009b"}}}}',
        None,
        f"{MARKUP} \x1b]0;t\x07 \x9b31m \u202e",
    ),
    _jsonl("nul-escape", '{"text": "a\\u0000b"}', None, "a\ufffdb"),
    _jsonl(
        "huge-int-meta", '{"text": "x", "meta": {"n": 123456789012345678901234567890}}', None, "x"
    ),
    Case("invalid-utf8", "invalid-utf8.txt", b"ok \xc3\x28 broken", refusal="not UTF-8"),
    Case("utf16", "utf16.txt", "UTF-16 text".encode("utf-16"), refusal="UTF-16 is not supported"),
    Case("utf16-no-bom", "utf16-le.txt", "UTF-16 text".encode("utf-16-le"), refusal="binary"),
    Case("empty", "empty.txt", b"", refusal="empty document"),
    Case("blank", "blank.txt", b"  \n\t\r\n", refusal="empty document"),
    Case("binary", "binary.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), refusal="binary"),
    Case("late-nul", "late-nul.txt", b"x" * 9000 + b"\x00", refusal="binary"),
    Case("bad-name-bad-file", f"{UNSAFE_NAME}.md", b"\xff\xfe\x00", refusal="UTF-16"),
    _jsonl("lone-surrogate", '{"text": "a\\ud800b"}', "line 1: malformed JSON"),
    Case(
        "raw-surrogate",
        "raw-surrogate.jsonl",
        b'{"text": "a\xed\xa0\x80b"}',
        refusal="not UTF-8: invalid byte at offset 11",
    ),
    _jsonl("deep-json", DEEP, "line 1: JSON nested deeper than 64 levels"),
    _jsonl("deeper-json", "[" * 5000 + "]" * 5000, "line 1: malformed JSON"),
    _jsonl("huge-float", '{"text": "x", "meta": {"n": 1e999}}', "line 1: malformed JSON"),
    _jsonl("huge-int-id", '{"id": 123456789012345678901234567890, "text": "x"}', '"id" must'),
    _jsonl("not-object", '["text"]', "line 1: expected a JSON object"),
    _jsonl("no-text", '{"title": "t"}', 'line 1: no "text" string'),
    _jsonl("truncated", '{"text": "cut', "line 1: malformed JSON"),
]
STORED = [c for c in CASES if c.refusal is None]
REFUSED = [c for c in CASES if c.refusal is not None]
