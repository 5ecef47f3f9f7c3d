"""Feeds written for the tests (no third-party text): good RSS/Atom, broken ones and XML bombs."""

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Test wire</title><language>ar</language>
<item><guid>w-1</guid><title>\xd8\xa7\xd9\x86\xd9\x81\xd8\xac\xd8\xa7\xd8\xb1 \xd9\x81\xd9\x8a \xd8\xa7\xd9\x84\xd9\x85\xd8\xaf\xd9\x8a\xd9\x86\xd8\xa9</title>
<link>https://wire.example/a/1</link><pubDate>Mon, 02 Nov 2026 08:30:00 GMT</pubDate>
<description>&lt;p&gt;First &lt;b&gt;paragraph&lt;/b&gt;.&lt;/p&gt;&lt;script&gt;bad()&lt;/script&gt;&lt;p&gt;Second.&lt;/p&gt;</description></item>
<item><guid>w-2</guid><title>Second story</title><link>/a/2</link><description>Plain text body.</description></item>
<item><guid>w-3</guid><title></title><description></description></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr"><title>Fil</title><id>urn:x</id>
<updated>2026-11-01T10:00:00Z</updated>
<entry><id>urn:e1</id><title>Attaque signal\xc3\xa9e</title><link href="https://fil.example/e1"/>
<updated>2026-11-01T10:00:00Z</updated><content type="html">&lt;p&gt;Texte complet.&lt;/p&gt;</content></entry>
</feed>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<rss version="2.0"><channel><title>&lol4;</title><item><title>&lol4;</title></item></channel></rss>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>x</title><item><title>&xxe;</title></item></channel></rss>"""

TRUNCATED = RSS[: len(RSS) // 2]

HTML_PAGE = b"<!DOCTYPE html><html><head><title>Not a feed</title></head><body><p>Hello</p></body></html>"

XHTML = b'<html xmlns="http://www.w3.org/1999/xhtml"><head><title>t</title></head><body><p>x</p></body></html>'


def rss_of(items: list[tuple[str, str, str]]) -> bytes:
    """An RSS document with (guid, title, description) items."""
    body = "".join(f"<item><guid>{g}</guid><title>{t}</title><description>{d}</description></item>"
                   for g, t, d in items)
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>{body}</channel></rss>'.encode()
