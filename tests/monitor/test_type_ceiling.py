"""scripts/type_ceiling.py: the pieces its figures rest on (pairs, bootstrap, candidate rules), without GTD data."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import SimpleNamespace

import numpy as np
from scipy import sparse

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "type_ceiling.py"
_spec = importlib.util.spec_from_file_location("type_ceiling", SCRIPT)
tc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tc)


def test_pairs_are_each_unordered_pair_above_the_threshold_once():
    rows = np.array([[1.0, 0.0], [1.0, 0.0], [0.6, 0.8], [0.0, 1.0]])
    found = sorted((int(i), int(j)) for i, j, _ in tc._pairs(sparse.csr_matrix(rows), 0.75, chunk=3))
    assert found == [(0, 1), (2, 3)]  # 0-2 and 1-2 are 0.6, 0-3 is 0; no (i, i), no (j, i)


def test_bootstrap_interval_holds_the_mean_and_a_paired_difference_of_equals_is_zero():
    right = np.array([True] * 80 + [False] * 20)
    lo, hi = tc.boot_ci(right, 500)
    assert lo < 0.8 < hi and hi - lo < 0.25
    assert tc.boot_ci(right, 200, right) == (0.0, 0.0)


def test_candidate_rule_counts_fixes_and_breaks(capsys):
    leads = [" assailants threw molotov cocktails at a bank ", " a molotov cocktail was found in a car bomb ",
             " gunmen opened fire "]
    corpus = SimpleNamespace(lead=leads, found=[set(), {"BOMB"}, {"FIRE"}])
    gold = np.array(["Incendiary", "Explosives", "Firearms"])
    pred = np.array(["Explosives", "Explosives", "Firearms"])
    good = tc.candidates(corpus, "weapon", [0, 1, 2], gold, pred)
    line = [x for x in capsys.readouterr().out.splitlines() if "firebomb_w" in x and "(any" in x][0]
    assert "changes    2: fixes   1, breaks   1" in line
    assert ("firebomb_w", "any") not in good  # net 0 points is not worth listing
    assert ("firebomb_w", "no other evidence") in good  # only row 0: one fixed, none broken


def test_template_reads_the_undetermined_lead_only():
    assert tc.TEMPLATE.match("assailants attacked a police checkpoint in")
    assert tc.TEMPLATE.match("at least six assailants stormed a post")
    assert not tc.TEMPLATE.match("a suicide bomber attacked a police checkpoint")


def test_missing_data_is_a_message_not_a_traceback(tmp_path, capsys):
    assert tc.main(["--data", str(tmp_path)]) == 2
    assert "no GTD data" in capsys.readouterr().out
