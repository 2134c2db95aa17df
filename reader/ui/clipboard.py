"""Copying text: to the terminal's clipboard (OSC 52) and to the system clipboard when one exists.

OSC 52 works over ssh but the terminal may ignore it without telling; pyperclip reaches the
local clipboard but raises on a headless machine. Both are tried, the user is told which
worked, and nothing here ever raises.
"""

from __future__ import annotations

import pyperclip
from textual.app import App
from textual.notifications import SeverityLevel


def _system_copy(text: str) -> bool:
    """Copy with pyperclip; False where there is no usable system clipboard."""
    try:
        pyperclip.copy(text)
    except Exception:  # pyperclip raises its own and OS errors, and must never crash the app
        return False
    return True


def copy(app: App[object], text: str) -> str | None:
    """Copy ``text``, notify the user what happened and return that notice (None if empty)."""
    if not text:
        app.notify("Nothing to copy", severity="warning", markup=False)
        return None
    count = f"{len(text):,} character{'s' if len(text) != 1 else ''}"
    try:
        app.copy_to_clipboard(text)
        terminal = True
    except Exception:  # a failed write to the terminal must not lose the user's work
        terminal = False
    severity: SeverityLevel = "information"
    if _system_copy(text):
        notice = f"Copied {count} to the clipboard"
    elif terminal:
        notice = f"Sent {count} to the terminal's clipboard (no system clipboard found)"
    else:
        notice, severity = "Could not copy: no clipboard available", "error"
    app.notify(notice, severity=severity, markup=False)
    return notice
