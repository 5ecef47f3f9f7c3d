"""Choose the L2 strength C of the type models on the GTD TRAINING portion only (never the benchmark's dev rows).

Usage: python scripts/sweep_type_c.py [--data ../shared/data] [--grid 0.1,0.25,0.5,1]

Split (documented so the choice can be repeated): the GTD train split of
:func:`marsad.monitor.training.corpora.load_gtd` is cut again by ``fold_of("sweep:" + eventid) == 0`` into
dev-b (about 20 %, scored) and dev-a (the rest, trained on). Prints top-1 accuracy on dev-b per task, variant
and C, with and without the evidence rules of :mod:`marsad.monitor.incident_types` applied; the winning C goes
into ``training/train.py``'s ``C_VALUES``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from marsad.monitor.features import featurise
from marsad.monitor.type_rules import RULES, apply_rules, evidence
from marsad.monitor.training.corpora import fold_of, load_gtd, strip_gtd_date
from marsad.monitor.training.train import TYPE_TASKS, _fit, _matrix, _vocab


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--grid", default="0.1,0.25,0.5,1.0")
    parser.add_argument("--tasks", default="attack,target,weapon")
    parser.add_argument("--variants", default="full,concept")
    args = parser.parse_args(argv)
    grid = [float(c) for c in args.grid.split(",")]
    gtd = load_gtd(args.data, "train")
    texts = [strip_gtd_date(d.text) for d in gtd]
    feats = [featurise(t, None, "en") for t in texts]
    is_b = np.array([fold_of("sweep:" + d.id) == 0 for d in gtd])
    a_idx, b_idx = np.flatnonzero(~is_b), np.flatnonzero(is_b)
    words, concepts = _vocab([[feats[i] for i in a_idx]])
    w_index, c_index = {w: i for i, w in enumerate(words)}, {c: i for i, c in enumerate(concepts)}
    print(f"dev-a {len(a_idx)} rows, dev-b {len(b_idx)} rows, {len(words)} words, {len(concepts)} concepts")
    for name, (key, vocab) in TYPE_TASKS.items():
        if name not in args.tasks.split(","):
            continue
        rows_a = [i for i in a_idx if gtd[i].labels.get(key) in vocab.names]
        rows_b = [i for i in b_idx if gtd[i].labels.get(key) in vocab.names]
        y_a = np.array([gtd[i].labels[key] for i in rows_a])
        y_b = np.array([gtd[i].labels[key] for i in rows_b])
        for variant in args.variants.split(","):
            xa = _matrix([feats[i] for i in rows_a], w_index, variant == "full", len(concepts), c_index)
            xb = _matrix([feats[i] for i in rows_b], w_index, variant == "full", len(concepts), c_index)
            for c in grid:
                model = _fit(xa, y_a, None, c)
                pred = model.predict(xb)
                found = [evidence(feats[i].tokens, "en") for i in rows_b]
                ruled = np.array([_ruled(name, p, f) for p, f in zip(pred, found)])
                print(f"{name:7s} {variant:8s} C={c:<5} acc {np.mean(pred == y_b):.4f}  "
                      f"with rules {np.mean(ruled == y_b):.4f}  (n={len(y_b)})", flush=True)
                if name != "target" and c == grid[len(grid) // 2]:
                    for rule in [r for r, spec in RULES.items() if spec[2] == name]:
                        alone = np.array([_ruled(name, p, f, (rule,)) for p, f in zip(pred, found)])
                        changed = alone != pred
                        print(f"    rule {rule:14s} changes {int(changed.sum()):4d}: right after "
                              f"{int((alone[changed] == y_b[changed]).sum())}, right before "
                              f"{int((pred[changed] == y_b[changed]).sum())}")
    return 0


def _ruled(task: str, predicted: str, found: set[str], enabled: tuple[str, ...] | None = None) -> str:
    if task == "target":
        return predicted
    lists = {"attack": [predicted], "weapon": [predicted]}
    lists = apply_rules(found, lists, {}, enabled) if enabled else apply_rules(found, lists, {})
    return lists[task][0]


if __name__ == "__main__":
    raise SystemExit(main())
