"""Configuration: labels, key remapping, annotator and paths, read from TOML.

The file lives in the platform's config dir (``reader config-path`` prints it) or is
named with ``--config``. Every setting has a default, so no file is needed.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

APP_NAME = "attribution-reader"


@dataclass(frozen=True)
class Label:
    name: str
    key: str
    color: str
    description: str = ""
    style: str = "underline"  # a second cue besides colour: underline, bold, italic, reverse


DEFAULT_LABELS = (
    Label(
        "anonymous source",
        "1",
        "#E69F00",
        "Information attributed to an unnamed person or group.",
        "underline",
    ),
    Label(
        "official statement",
        "2",
        "#56B4E9",
        "An on-the-record statement by a named official or institution.",
        "bold",
    ),
    Label(
        "denial",
        "3",
        "#CC79A7",
        "A statement that rejects or contradicts a claim.",
        "italic",
    ),
)
STYLES = ("underline", "bold", "italic", "reverse", "strike")


class ConfigError(ValueError):
    """A problem in the config file; ``str()`` is one line naming the file."""


@dataclass(frozen=True)
class Config:
    labels: tuple[Label, ...] = DEFAULT_LABELS
    annotator: str | None = None
    keymap: dict[str, str] = field(default_factory=dict)
    theme: str | None = None
    source: Path | None = None
    raw: dict[str, Any] = field(default_factory=dict)  # the whole TOML, for other sections

    def label(self, name: str) -> Label | None:
        return next((label for label in self.labels if label.name == name), None)


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def default_db_path() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME)) / "reader.db"


def load_config(path: Path | None = None) -> Config:
    """Read ``path`` (or the default file when it exists); errors name the file."""
    explicit = path is not None
    path = path or default_config_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        if explicit:
            raise ConfigError(f"{path}: no such config file") from None
        return Config()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
    return parse_config(data, path)


def parse_config(data: dict[str, Any], source: Path | None = None) -> Config:
    where = str(source or "config")
    labels: tuple[Label, ...] = DEFAULT_LABELS
    if "labels" in data:
        labels = tuple(_label(item, i, where) for i, item in enumerate(data["labels"], 1))
        if not labels:
            raise ConfigError(f"{where}: [[labels]] is empty")
        for attr in ("name", "key"):
            values = [getattr(label, attr) for label in labels]
            if len(set(values)) != len(values):
                raise ConfigError(f"{where}: two labels share a {attr}")
    keymap = data.get("keymap", {})
    if not isinstance(keymap, dict) or not all(isinstance(v, str) for v in keymap.values()):
        raise ConfigError(f"{where}: [keymap] maps binding ids to key strings")
    annotator = data.get("annotator")
    theme = data.get("theme")
    return Config(
        labels=labels,
        annotator=str(annotator) if annotator else None,
        keymap=dict(keymap),
        theme=str(theme) if theme else None,
        source=source,
        raw=data,
    )


def _label(item: Any, number: int, where: str) -> Label:
    if not isinstance(item, dict) or not isinstance(item.get("name"), str):
        raise ConfigError(f"{where}: label {number} needs a name")
    default = DEFAULT_LABELS[(number - 1) % len(DEFAULT_LABELS)]
    style = str(item.get("style", STYLES[(number - 1) % len(STYLES)]))
    if style not in STYLES:
        raise ConfigError(f"{where}: label {item['name']!r} style must be one of {STYLES}")
    return Label(
        name=item["name"],
        key=str(item.get("key", number)),
        color=str(item.get("color", default.color)),
        description=str(item.get("description", "")),
        style=style,
    )
