"""Wallet-address validation rate and the latency of a policy-filtered wallet check as indicators accumulate.

Why: validation runs on every entry and import (it must cost microseconds), and a check scans the indicators a
user may see with a SQL pre-filter on the pattern (no dedicated index yet), so its latency grows with the
number of indicators — this script says by how much. It validates generated Bitcoin (Base58Check, bech32),
Ethereum (EIP-55) and TRON addresses, then stores N wallet indicators (SQLite or PostgreSQL) and times checks
of a known and an unknown address. Prints a table, then ONE summary line.

    python benchmarks/wallets.py --sizes 1000,10000 [--database-url postgresql+psycopg://…]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time

import marsad.store.accounts, marsad.store.audit  # noqa: F401,E401
from marsad.access.accounts import create_organisation, create_user
from marsad.access.context import load_viewer
from marsad.access.memberships import set_membership
from marsad.exchange.indicators import wallet_objects
from marsad.exchange.wallet_checks import check_wallet
from marsad.exchange.wallets import base58check_encode, bech32_encode_segwit, eip55_checksum, parse_wallet
from marsad.store import Store
from marsad.store.engine import make_engine
from marsad.store.migrate import upgrade


def addresses(n: int, rng: random.Random) -> list[str]:
    """``n`` valid addresses of mixed formats."""
    makers = (
        lambda b: base58check_encode(0x00, b[:20]),
        lambda b: bech32_encode_segwit("bc", 0, b[:20]),
        lambda b: bech32_encode_segwit("bc", 1, b[:32]),
        lambda b: eip55_checksum(b[:20].hex()),
        lambda b: base58check_encode(0x41, b[:20]),
    )
    return [makers[i % len(makers)](rng.randbytes(32)) for i in range(n)]


def _world(url: str):
    engine = make_engine(url)
    upgrade(engine)
    store = Store(engine)
    store.create_collection("Regional", alias="regional")
    for code in ("SA", "JO"):
        create_organisation(engine, f"{code} unit", code)
        create_user(engine, code.lower(), f"{code} unit", "analyst", "a long enough password")
        set_membership(engine, "regional", f"{code} unit", read=True, write=True)
    with engine.connect() as conn:
        return store, load_viewer(conn, "sa"), load_viewer(conn, "jo")


def _median_ms(run, repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args(argv)
    rng = random.Random(5)
    sample = addresses(20000, rng)
    started = time.perf_counter()
    for address in sample:
        parse_wallet(address)
    per_s = len(sample) / (time.perf_counter() - started)
    print(f"validation: {per_s:,.0f} addresses/s over {len(sample):,} mixed addresses")
    summary = [f"validate_per_s={per_s:.0f}"]
    print(f"{'indicators':>11}{'known_ms':>10}{'unknown_ms':>12}")
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            store, sa, jo = _world(args.database_url or f"sqlite:///{tmp}/bench.db")
            flagged = addresses(size, rng)
            batch = []
            for address in flagged:
                batch += wallet_objects(parse_wallet(address), originator=sa.identity_id, tlp="green")
                if len(batch) >= 1500:
                    store.put_objects(batch, collection_id="regional")
                    batch = []
            if batch:
                store.put_objects(batch, collection_id="regional")
            known = _median_ms(lambda: check_wallet(store, jo, flagged[size // 2], record_sighting=False))
            unknown = _median_ms(lambda: check_wallet(store, jo, addresses(1, rng)[0], record_sighting=False))
            store.engine.dispose()
        print(f"{size:>11}{known:>10.1f}{unknown:>12.1f}")
        summary += [f"check_known_ms_{size}={known:.1f}", f"check_unknown_ms_{size}={unknown:.1f}"]
    print("summary " + " ".join(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
