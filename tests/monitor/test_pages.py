"""Pages: the main text of an HTML page is kept (menus dropped), keyed by URL and content, wrong charsets survive."""

from __future__ import annotations

import pytest

from marsad.errors import InputError
from marsad.monitor.pages import page_item

ARTICLE = ("<p>Security forces reported an attack on a checkpoint near the northern city on Sunday morning. "
           "Three people were wounded and the area was closed for several hours while investigators worked.</p>"
           "<p>Officials said the investigation is continuing and gave no further details about the suspects.</p>")


def page(body: str, title: str = "Ministry statement", lang: str = "en") -> str:
    return (f'<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title></head><body>'
            "<nav><a href='/'>Home</a> <a href='/news'>News</a> <a href='/contact'>Contact us</a></nav>"
            f"<article><h1>{title}</h1>{body}</article><footer>Copyright notice and links</footer></body></html>")


def test_main_text_is_kept_and_boilerplate_dropped():
    item = page_item(page(ARTICLE).encode(), url="https://ministry.example/news/1", source_id=3)
    assert "attack on a checkpoint" in item.text and "investigation is continuing" in item.text
    assert "Contact us" not in item.text and "Copyright" not in item.text
    assert item.title == "Ministry statement" and item.source_id == 3
    assert item.url == "https://ministry.example/news/1"


def test_key_changes_only_when_the_text_changes():
    url = "https://ministry.example/news"
    one = page_item(page(ARTICLE).encode(), url=url)
    same = page_item(page(ARTICLE).encode(), url=url)
    changed = page_item(page(ARTICLE.replace("Three", "Five")).encode(), url=url)
    assert one.key == same.key and one.key.startswith(url + "#")
    assert changed.key != one.key


def test_arabic_page_in_windows_1256_labelled_utf8_is_still_read():
    arabic = ("<p>" + "أعلنت وزارة الداخلية عن إحباط هجوم على نقطة تفتيش في المدينة الشمالية صباح الأحد. " * 3
              + "</p>")
    data = page(arabic, title="بيان").replace('charset="utf-8"', 'charset="windows-1256"').encode("cp1256")
    item = page_item(data, url="https://moi.example/1", charset="utf-8")
    assert "وزارة الداخلية" in item.text


@pytest.mark.parametrize("data", [b"", b"<html><body></body></html>", b"\x00\x01\x02 binary junk",
                                  b"<html><body><script>var x = 1;</script></body></html>"])
def test_page_without_main_text_is_an_input_error(data):
    with pytest.raises(InputError, match="no main text"):
        page_item(data, url="https://empty.example/")
