"""How fast parse_stix checks input: objects per second, fast check and thorough (stix2.parse) check.

Run: ``/work/venv/bin/python benchmarks/model_parse.py [n]``. Input: a bundle of n objects (default 20,000),
half incidents made with make_incident (GTD extension, TLP 1.0 marking to map), half indicators.
The last line is one summary of key=value pairs.
"""

from __future__ import annotations

import json
import sys
import time
import uuid

import stix2
from stix2validator import validate_instance

from marsad.model import make_incident, parse_stix
from marsad.model.countries import _data as countries_data
from marsad.model.countries import countries, find_country


def sample(n: int) -> bytes:
    objects = []
    for i in range(n // 2):
        objects.append(make_incident(f"Attack {i}", occurred="2024-03-17", attack_types=["Armed Assault"],
                                     killed=i % 7, country="IQ", tlp="green"))
        objects[-1]["object_marking_refs"] = [stix2.TLP_GREEN.id]
        objects.append({"type": "indicator", "spec_version": "2.1", "id": f"indicator--{uuid.uuid4()}",
                        "created": "2024-03-17T10:00:00.000Z", "modified": "2024-03-17T10:00:00.000Z",
                        "pattern": f"[ipv4-addr:value = '198.51.100.{i % 250}']", "pattern_type": "stix",
                        "valid_from": "2024-03-17T10:00:00Z", "object_marking_refs": [stix2.TLP_GREEN.id]})
    return json.dumps({"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": objects}).encode()


def rate(data: bytes, thorough: bool, n: int) -> float:
    start = time.perf_counter()
    parse_stix(data, thorough=thorough)
    return n / (time.perf_counter() - start)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    data = sample(n)
    fast = max(rate(data, False, n) for _ in range(3))
    thorough = rate(data, True, n)
    objects = json.loads(data)["objects"][:400]
    start = time.perf_counter()
    for obj in objects:
        validate_instance(obj)
    validator = len(objects) / (time.perf_counter() - start)
    start = time.perf_counter()
    countries_data.cache_clear()
    countries()
    load_ms = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    for name in ("العراق", "Irak", "KSA", "Emirats arabes unis", "nowhere") * 2000:
        find_country(name)
    lookups = 10_000 / (time.perf_counter() - start)
    print(f"input: {n:,} objects, {len(data):,} bytes")
    print(f"parse_stix fast: {fast:,.0f} objects/s; thorough (stix2.parse): {thorough:,.0f} objects/s; "
          f"stix2-validator alone: {validator:,.0f} objects/s")
    print(f"countries load: {load_ms:.1f} ms; find_country: {lookups:,.0f} lookups/s")
    print(f"objects={n} fast_per_s={fast:.0f} thorough_per_s={thorough:.0f} validator_per_s={validator:.0f} countries_load_ms={load_ms:.1f} "
          f"find_country_per_s={lookups:.0f}")


if __name__ == "__main__":
    main()
