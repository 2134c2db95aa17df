"""Exports of documents and annotations as training data; see ``FORMATS`` for the formats."""

from reader.core.export.base import ExportError, ExportSummary, Filters, Format, SpanIssue
from reader.core.export.registry import FORMATS
from reader.core.export.runner import export

__all__ = ["FORMATS", "ExportError", "ExportSummary", "Filters", "Format", "SpanIssue", "export"]
