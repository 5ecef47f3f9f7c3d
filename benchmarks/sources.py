"""What reading sources costs: feed parsing (defusedxml check + feedparser), page extraction, folder reading,
and one poll of a 1,000-entry feed (fetch from a local server, dedupe against the seen table, health).

Run: ``/work/venv/bin/python benchmarks/sources.py [entries]`` (default 1,000). Everything is generated here and
served on 127.0.0.1; a temporary SQLite database holds the source. The last line is one summary of key=value pairs.
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from marsad.monitor.collect import poll
from marsad.monitor.feeds import parse_feed
from marsad.monitor.fetch import FetchPolicy
from marsad.monitor.folders import read_folder
from marsad.monitor.pages import page_item
from marsad.monitor.sources import add_source
from marsad.store.engine import make_engine
from marsad.store.migrate import upgrade


def feed_of(n: int) -> bytes:
    items = "".join(f"<item><guid>g{i}</guid><title>Report {i}</title><link>https://w.example/{i}</link>"
                    f"<pubDate>Mon, 02 Nov 2026 08:30:00 GMT</pubDate><description>&lt;p&gt;Body of report {i}, "
                    f"an attack near city {i % 50}.&lt;/p&gt;</description></item>" for i in range(n))
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()


def timed(function, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


def serve(body: bytes) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server


def main(n: int) -> None:
    feed = feed_of(n)
    parse_s = timed(lambda: parse_feed(feed))
    print(f"parse_feed: {n} entries, {len(feed) / 1e6:.2f} MB in {parse_s * 1000:.0f} ms")
    html = ("<html><head><title>T</title></head><body><nav>menu</nav><article>"
            + "<p>A paragraph about an incident reported by the ministry this morning.</p>" * 200
            + "</article></body></html>").encode()
    page_s = timed(lambda: page_item(html, url="https://m.example/"))
    print(f"page_item: {len(html) / 1e3:.0f} kB page in {page_s * 1000:.0f} ms")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp, "drop")
        folder.mkdir()
        for i in range(n):
            (folder / f"r{i}.txt").write_text(f"Report {i} about an incident.")
        folder_s = timed(lambda: read_folder(folder), repeat=1)
        print(f"read_folder: {n} files in {folder_s * 1000:.0f} ms")
        engine = make_engine(f"sqlite:///{tmp}/m.db")
        upgrade(engine)
        server = serve(feed)
        source = add_source(engine, "wire", "feed", f"http://127.0.0.1:{server.server_address[1]}/",
                            allow_private=True)
        started = time.perf_counter()
        first = poll(engine, source, policy=FetchPolicy(retries=0))
        first_s = time.perf_counter() - started
        started = time.perf_counter()
        again = poll(engine, first.source, policy=FetchPolicy(retries=0))
        again_s = time.perf_counter() - started
        print(f"poll: first {len(first.items)} new in {first_s * 1000:.0f} ms; again {len(again.items)} new in "
              f"{again_s * 1000:.0f} ms")
        server.shutdown()
        engine.dispose()
    print(f"entries={n} parse_feed_ms={parse_s * 1000:.0f} page_ms={page_s * 1000:.0f} "
          f"folder_ms={folder_s * 1000:.0f} poll_first_ms={first_s * 1000:.0f} poll_again_ms={again_s * 1000:.0f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000)
