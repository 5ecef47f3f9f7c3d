"""`SourceItem`: one report as a source delivered it, the contract between sources and the monitoring pipeline.

Why a record of its own: feeds, web pages and drop folders all deliver "a text with a title, a date and a
place it came from", each in its own shape. The pipeline (dedupe → extract → merge → alerts) must not care
which; it receives :class:`SourceItem` values. ``key`` is what makes an item the same item on the next poll
(a feed entry's id or link, a page's URL and content, a file's path and record id); ``content_hash`` is what
makes two items the same text (whitespace and Unicode form ignored), so a duplicate flood (one story repeated
a thousand times) becomes one item. :meth:`SourceItem.as_report` gives the line `marsad extract` reads.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

__all__ = ["SourceItem", "content_hash_of", "make_item", "unique_items"]

_SPACE = re.compile(r"\s+")


def content_hash_of(title: str, text: str) -> str:
    """SHA-256 (hex) of title and text after NFC and whitespace collapsing: equal for the same story."""
    normal = unicodedata.normalize("NFC", f"{title}\n{text}")
    return hashlib.sha256(_SPACE.sub(" ", normal).strip().encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SourceItem:
    """One report from one source, ready for the pipeline (all datetimes are UTC-aware)."""

    source_id: int | None
    key: str
    url: str | None
    title: str
    text: str
    published: datetime | None
    language: str | None
    fetched_at: datetime
    content_hash: str
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def as_report(self) -> dict:
        """The item as a `marsad extract` input line: id, text, title, published (YYYY-MM-DD), lang."""
        report = {"id": self.key, "text": self.text, "title": self.title}
        if self.published is not None:
            report["published"] = self.published.date().isoformat()
        if self.language:
            report["lang"] = self.language
        return report


def _clean(value: Any, limit: int) -> str:
    text = "" if value is None else str(value)
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return text.strip()[:limit]


def make_item(*, source_id: int | None, key: str, url: str | None, title: Any, text: Any,
              published: datetime | None, language: str | None, fetched_at: datetime | None = None,
              metadata: Mapping[str, Any] | None = None, max_chars: int = 200_000) -> SourceItem | None:
    """A :class:`SourceItem` with control characters removed and sizes bounded; None when it is empty.

    An "empty item" (no title and no text, as broken feeds send) is not a report, so it never reaches the
    pipeline. ``published`` without a zone is taken as UTC; a language hint is kept as a short lowercase code.
    """
    title_text, body = _clean(title, 1_000), _clean(text, max_chars)
    if not title_text and not body:
        return None
    if published is not None and published.tzinfo is None:
        published = published.replace(tzinfo=timezone.utc)
    hint = (language or "").strip().lower().replace("_", "-")[:16] or None
    return SourceItem(
        source_id=source_id, key=key[:1_000], url=url, title=title_text, text=body,
        published=published.astimezone(timezone.utc) if published else None,
        language=hint, fetched_at=fetched_at or datetime.now(timezone.utc),
        content_hash=content_hash_of(title_text, body), metadata=dict(metadata or {}),
    )


def unique_items(items: Iterable[SourceItem]) -> list[SourceItem]:
    """The items in order, without repeats of a key or of a content hash already given (first one wins)."""
    keys: set[str] = set()
    hashes: set[str] = set()
    kept = []
    for item in items:
        if item.key in keys or item.content_hash in hashes:
            continue
        keys.add(item.key)
        hashes.add(item.content_hash)
        kept.append(item)
    return kept
