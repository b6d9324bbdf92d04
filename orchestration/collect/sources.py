"""The sources file: which portals' listing pages to collect from (YAML, see README.md)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

DEFAULT_DELAY_SECONDS = 1.0
DEFAULT_MAX_PAGES = 50
_KEYS = {"name", "list_url", "delay_seconds", "max_pages"}


class SourcesError(ValueError):
    """The sources file cannot be used; the message says where and why."""


@dataclass(frozen=True)
class Source:
    name: str
    list_url: str
    delay_seconds: float = DEFAULT_DELAY_SECONDS
    max_pages: int = DEFAULT_MAX_PAGES

    @property
    def host(self) -> str:
        return urlsplit(self.list_url).netloc.lower()


def _number(entry: dict, key: str, default, kind, where: str, minimum):
    value = entry.get(key, default)
    # bool is an int to Python, but `max_pages: yes` is a mistake, not 1.
    if isinstance(value, bool) or not isinstance(value, int | float) or (kind is int and not isinstance(value, int)):
        raise SourcesError(f"{where}: {key} must be a {'whole ' if kind is int else ''}number, not {value!r}")
    if value < minimum:
        raise SourcesError(f"{where}: {key} must be at least {minimum}, not {value!r}")
    return kind(value)


def _source(entry, index: int, seen: set[str]) -> Source:
    where = f"sources[{index}]"
    if not isinstance(entry, dict):
        raise SourcesError(f"{where}: expected a mapping with name and list_url, got {entry!r}")
    unknown = sorted(set(entry) - _KEYS)
    if unknown:
        raise SourcesError(
            f"{where}: unknown key(s) {', '.join(map(str, unknown))} (allowed: {', '.join(sorted(_KEYS))})"
        )
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise SourcesError(f"{where}: name is missing or empty")
    if name in seen:
        raise SourcesError(f"{where}: name {name!r} is used twice (names are unique)")
    seen.add(name)
    url = entry.get("list_url")
    parts = urlsplit(url) if isinstance(url, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise SourcesError(f"{where} ({name}): list_url must be an http(s) URL, not {url!r}")
    return Source(
        name=name,
        list_url=url,
        delay_seconds=_number(entry, "delay_seconds", DEFAULT_DELAY_SECONDS, float, where, 0),
        max_pages=_number(entry, "max_pages", DEFAULT_MAX_PAGES, int, where, 1),
    )


def load_sources(path: Path | str) -> list[Source]:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise SourcesError(f"{path}: cannot be read: {error.strerror or error}") from error
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise SourcesError(f"{path}: not valid YAML: {error}") from error
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list) or not data["sources"]:
        raise SourcesError(f"{path}: expected a top-level `sources:` list with at least one source")
    seen: set[str] = set()
    try:
        return [_source(entry, i, seen) for i, entry in enumerate(data["sources"])]
    except SourcesError as error:
        raise SourcesError(f"{path}: {error}") from None
