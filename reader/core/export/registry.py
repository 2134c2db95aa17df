"""Every export format by name. Adding a format: one module with a ``FORMAT``, one line here."""

from __future__ import annotations

from reader.core.export import jsonl
from reader.core.export.base import Format

FORMATS: dict[str, Format] = {fmt.name: fmt for fmt in (jsonl.FORMAT,)}
