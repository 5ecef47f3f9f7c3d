"""Re-create the shipped extraction models (marsad/data/models/extraction.{npz,json}).

Usage: python scripts/train_extraction.py --data ../shared/data [--out marsad/data/models]

Reads only the development data folder; writes only the two model files. Repeatable for a given
data folder up to floating-point rounding (fixed seeds, fixed splits: see marsad.monitor.training.corpora).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from marsad.monitor.models import MODEL_DIR
from marsad.monitor.training.train import train_all


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"), help="shared data folder")
    parser.add_argument("--out", type=Path, default=MODEL_DIR, help="where to write the model files")
    args = parser.parse_args(argv)
    if not (args.data / "gtd-dev").is_dir() or not (args.data / "muc").is_dir():
        print(f"error: {args.data} does not hold gtd-dev/ and muc/ (the shared development data)", file=sys.stderr)
        return 1
    started = time.perf_counter()
    train_all(args.data, args.out)
    sizes = {p.name: p.stat().st_size for p in args.out.glob("extraction.*")}
    print(f"wrote {sizes} in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
