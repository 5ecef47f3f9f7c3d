"""RSS / Atom feeds → :class:`SourceItem` values, with the XML checked by ``defusedxml`` before parsing.

Why two parsers: ``feedparser`` understands every feed dialect and date format but is not safe against
entity expansion ("billion laughs") or external entities, so the bytes are first parsed by ``defusedxml``,
which refuses any entity declaration and any external reference, and refuses XML that is not well formed
(a truncated download, an HTML error page). Only a document whose root is a feed (``rss``, ``feed``,
``RDF``) reaches ``feedparser``. Entry HTML is reduced to plain text here, because the pipeline reads text.
"""

from __future__ import annotations

import calendar
import io
from collections.abc import Iterator
from datetime import datetime, timezone
from html.parser import HTMLParser
from urllib.parse import urljoin
from xml.etree.ElementTree import ParseError

import feedparser
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from marsad.errors import InputError
from marsad.monitor.items import SourceItem, make_item

__all__ = ["parse_feed", "html_to_text", "FEED_ROOTS", "MAX_ENTRIES"]

FEED_ROOTS = ("rss", "feed", "rdf")
MAX_ENTRIES = 2_000
_BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "section", "article"}


class _TextOf(HTMLParser):
    """Collects the text of an HTML fragment; scripts and styles are dropped, blocks become line breaks."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (entry summaries and contents), paragraphs on their own lines."""
    if "<" not in fragment and "&" not in fragment:
        return fragment.strip()
    parser = _TextOf()
    parser.feed(fragment)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


def _check_xml(data: bytes, where: str) -> None:
    """Refuse entities, external references, malformed XML and documents that are not feeds."""
    try:
        root = fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise InputError(f"{where}: refused unsafe XML ({exc.__class__.__name__})") from None
    except (ParseError, ValueError) as exc:
        raise InputError(f"{where}: not a well-formed feed ({exc})") from None
    tag = root.tag.rsplit("}", 1)[-1].lower()
    if tag not in FEED_ROOTS:
        raise InputError(f"{where}: not an RSS or Atom feed (root element <{tag}>)")


def _when(entry) -> datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), tz=timezone.utc)
    except (OverflowError, ValueError, OSError):
        return None


def _body(entry) -> str:
    for content in entry.get("content") or ():
        if content.get("value"):
            return html_to_text(content["value"])
    return html_to_text(entry.get("summary") or "")


def _entries(parsed, source_id, base_url, fetched_at) -> Iterator[SourceItem]:
    feed = parsed.get("feed", {})
    feed_language = feed.get("language")
    for entry in parsed.get("entries", [])[:MAX_ENTRIES]:
        link = entry.get("link")
        url = urljoin(base_url or "", link) if link else None
        title = html_to_text(entry.get("title") or "")
        text = _body(entry)
        contents = entry.get("content") or [{}]
        language = contents[0].get("language") or feed_language
        key = entry.get("id") or url or ""
        item = make_item(source_id=source_id, key=key, url=url, title=title, text=text, published=_when(entry),
                         language=language, fetched_at=fetched_at,
                         metadata={"feed_title": feed.get("title"), "entry_id": entry.get("id"),
                                   "author": entry.get("author"),
                                   "tags": [t.get("term") for t in entry.get("tags", []) if t.get("term")]})
        if item is not None:
            yield item if key else _keyed_by_content(item)


def _keyed_by_content(item: SourceItem) -> SourceItem:
    """An entry with neither id nor link is known by its content."""
    return SourceItem(**{**item.__dict__, "key": f"sha256:{item.content_hash}"})


def parse_feed(data: bytes, *, source_id: int | None = None, base_url: str | None = None,
               fetched_at: datetime | None = None) -> list[SourceItem]:
    """The non-empty entries of an RSS/Atom document, in feed order; :class:`InputError` if it is unsafe or broken."""
    where = base_url or "feed"
    _check_xml(data, where)
    # a stream, never bytes or str: feedparser would treat a string as a URL or a file name to open
    parsed = feedparser.parse(io.BytesIO(data), sanitize_html=True, resolve_relative_uris=False)
    if parsed.get("bozo") and not parsed.get("entries"):
        raise InputError(f"{where}: feed could not be read ({parsed.get('bozo_exception')})")
    return list(_entries(parsed, source_id, base_url, fetched_at or datetime.now(timezone.utc)))
