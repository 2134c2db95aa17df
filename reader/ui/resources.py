"""Finding the Textual stylesheets, installed or not.

A wheel carries the repository's top-level ``styles/`` folder as ``reader/styles/``
(pyproject force-includes it); a source tree or an editable install has it beside the
``reader`` package.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
STYLESHEETS = ("app.tcss", "reading.tcss")


class ResourceError(RuntimeError):
    """A file the app ships with is missing: the installation is broken."""


def styles_dir(package_dir: Path = PACKAGE_DIR) -> Path:
    for candidate in (package_dir / "styles", package_dir.parent / "styles"):
        if (candidate / STYLESHEETS[0]).is_file():
            return candidate
    raise ResourceError(f"no styles/{STYLESHEETS[0]} in or beside {package_dir}")


def stylesheets(package_dir: Path = PACKAGE_DIR) -> list[Path]:
    """The app's stylesheets that exist, the app's own first."""
    folder = styles_dir(package_dir)
    return [folder / name for name in STYLESHEETS if (folder / name).is_file()]
