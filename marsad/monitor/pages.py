"""A web page → one :class:`SourceItem` with its main text, by ``trafilatura`` working offline on the HTML.

Why trafilatura: a ministry or agency news page is mostly menus, footers and links; the pipeline needs the
article. trafilatura keeps the main text, title, date and language without any network access (it is
only ever given the bytes :mod:`marsad.monitor.fetch` already downloaded).

A page's key is its URL *and* its content hash: polling the same page gives the same key while it is
unchanged (so it is not reported again), and a new key when its text changes (a new statement is news).
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone

import trafilatura

from marsad.errors import InputError
from marsad.monitor.decoding import decode_bytes
from marsad.monitor.items import SourceItem, make_item

__all__ = ["page_item", "page_text"]

log = logging.getLogger(__name__)
logging.getLogger("trafilatura").setLevel(logging.ERROR)
logging.getLogger("htmldate").setLevel(logging.ERROR)


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def page_text(html: str, url: str | None = None) -> tuple[str, str, datetime | None, str | None]:
    """``(title, main text, date, language)`` of an HTML document; empty text when there is none to find."""
    try:
        document = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                               include_tables=True, include_links=False, include_images=False)
    except Exception as exc:  # trafilatura/lxml raise many kinds on hostile markup; a page must not crash a poll
        log.warning("page %s could not be read: %s", url, exc)
        return "", "", None, None
    if document is None:
        return "", "", None, None
    fields = document.as_dict() if hasattr(document, "as_dict") else dict(document)
    return (fields.get("title") or "", fields.get("text") or "", _date(fields.get("date")),
            fields.get("language"))


def page_item(data: bytes, *, url: str, charset: str | None = None, source_id: int | None = None,
              fetched_at: datetime | None = None) -> SourceItem:
    """The page as one item; :class:`InputError` when it has no readable main text."""
    html, encoding = decode_bytes(data, charset)
    title, text, published, language = page_text(html, url)
    item = make_item(source_id=source_id, key=url, url=url, title=title, text=text, published=published,
                     language=language, fetched_at=fetched_at, metadata={"encoding": encoding})
    if item is None or not item.text:
        raise InputError(f"{url}: no main text found on the page")
    return SourceItem(**{**item.__dict__, "key": f"{url}#{item.content_hash[:16]}"})
