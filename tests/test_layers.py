"""The layer order is a contract: import-linter checks it on every test run."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_linter_contracts_hold():
    lint = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    result = subprocess.run([lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_module_is_a_monolith():
    too_long = [str(p.relative_to(ROOT)) for p in (ROOT / "marsad").rglob("*.py")
                if "migrations" not in p.parts and sum(1 for _ in p.open(encoding="utf-8")) > 600]
    assert not too_long, f"split these modules (over 600 lines): {too_long}"
