"""Write the name scanners that ship with Marsad (``marsad/data/scanners``), so a fresh install reads its
first report in well under a second instead of building the place scanner (over a second of CPU).

Usage: python scripts/build_scanners.py

Run it after changing anything the place scanner is built from (the gazetteer file, ``marsad/text.py``,
``marsad/model/gazetteer.py``, ``marsad/monitor/places.py``, ``place_words.py``, ``scanner.py``): a shipped
file whose sources changed is ignored (the scanner is built as before), and
``tests/monitor/test_scanner_cache.py`` says so. The output is the same for the same sources.
"""

from __future__ import annotations

import os
import sys
import tempfile

from marsad.monitor import scanner_cache
from marsad.monitor.places import place_scanner


def main() -> int:
    with tempfile.TemporaryDirectory() as empty:  # never read a user's cache: build from the sources
        os.environ["MARSAD_DATA_DIR"] = empty
        place_scanner.cache_clear()
        place_scanner()
        path = scanner_cache.ship_scanner("place-scanner")
    print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
