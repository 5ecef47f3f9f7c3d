"""Choose the L2 strength C of the type models on the GTD TRAINING portion only (never the benchmark's dev rows).

Usage: python scripts/sweep_type_c.py [--data ../shared/data] [--grid 0.1,0.25,0.5,1]

Split (documented so the choice can be repeated): the GTD train split of
:func:`marsad.monitor.training.corpora.load_gtd` is cut again by ``fold_of("sweep:" + eventid) == 0`` into
dev-b (about 20 %, scored) and dev-a (the rest, trained on). Prints top-1 accuracy on dev-b per task, variant
and C, with and without the evidence rules of :mod:`marsad.monitor.incident_types` applied; the winning C goes
into ``training/train.py``'s ``C_VALUES``.

``--ceiling`` instead estimates how much of the remaining attack/weapon error is in the labels, on the same
dev-a/dev-b cut (model: C at the middle of the grid, evidence rules applied):

* near duplicates — TF-IDF cosine (word uni/bigrams, digits masked) of each dev-b summary to dev-a; for the
  dev-b rows with a dev-a neighbour at or above a threshold, the accuracy of the neighbours' majority label
  (what GTD coders agree on for near-identical text) next to the model's. Most such neighbours are records of
  the same event (GTD splits one attack into several records with one summary, same eventid day), so this
  overstates agreement between events told alike; ``scripts/type_ceiling.py`` measures pairs of other days;
* the undetermined template — summaries whose lead says only "assailants attacked …" and states no attack
  mode (no evidence kind of :mod:`marsad.monitor.type_rules`): their label spread (GTD codes the same text
  "Unknown" or "Armed Assault" about equally), the model's accuracy inside, and the accuracy it would reach
  if every other row were right (1 - share x in-template error).
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

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
    parser.add_argument("--ceiling", action="store_true", help="estimate the label-noise ceiling instead")
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
    if args.ceiling:
        return _ceiling(gtd, texts, feats, a_idx, b_idx, (w_index, c_index, len(concepts)), grid[len(grid) // 2])
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


_THRESHOLDS = (0.9, 0.8, 0.7, 0.6)
_TEMPLATE = re.compile(r"(?:\w+ ){0,3}(?:assailants|gunmen|militants|attackers) "
                       r"(?:attacked|assaulted|raided|stormed)\b")


def _ceiling(gtd, texts, feats, a_idx, b_idx, index, c: float) -> int:
    """Near-duplicate agreement and the undetermined template (see the module docstring)."""
    w_index, c_index, n_concepts = index
    tfidf = TfidfVectorizer(preprocessor=lambda t: re.sub(r"\d+", " NUM ", t.lower()), ngram_range=(1, 2),
                            sublinear_tf=True)
    x = tfidf.fit_transform(texts)
    sims = (x[b_idx] @ x[a_idx].T).tocsr()
    for name in ("attack", "weapon"):
        key, vocab = TYPE_TASKS[name]
        rows_a = [i for i in a_idx if gtd[i].labels.get(key) in vocab.names]
        rows_b = [i for i in b_idx if gtd[i].labels.get(key) in vocab.names]
        model = _fit(_matrix([feats[i] for i in rows_a], w_index, True, n_concepts, c_index),
                     np.array([gtd[i].labels[key] for i in rows_a]), None, c)
        pred = model.predict(_matrix([feats[i] for i in rows_b], w_index, True, n_concepts, c_index))
        found = {i: evidence(feats[i].tokens, "en") for i in rows_b}
        right = {i: _ruled(name, p, found[i]) == gtd[i].labels[key] for i, p in zip(rows_b, pred)}
        print(f"{name}: model + rules {np.mean(list(right.values())):.3f} on {len(right)} dev-b rows")
        position = {i: k for k, i in enumerate(b_idx)}
        for threshold in _THRESHOLDS:
            hits = []
            for i in rows_b:
                row = sims.getrow(position[i])
                labels = [gtd[a_idx[j]].labels.get(key) for j in row.indices[row.data >= threshold]]
                labels = [lab for lab in labels if lab]
                if labels:
                    hits.append((Counter(labels).most_common(1)[0][0] == gtd[i].labels[key], right[i]))
            if hits:
                agree, model_right = np.mean(hits, axis=0)
                print(f"  near duplicates cos >= {threshold}: {len(hits)} rows ({len(hits) / len(rows_b):.0%}); "
                      f"neighbours' majority label {agree:.3f}, model + rules {model_right:.3f}")
        template = [i for i in rows_b if _TEMPLATE.match(" ".join(feats[i].tokens[:12])) and not found[i]]
        if template:
            spread = Counter(gtd[i].labels[key] for i in template)
            share, inside = len(template) / len(rows_b), np.mean([right[i] for i in template])
            print(f"  undetermined template: {len(template)} rows ({share:.0%}), labels {dict(spread.most_common(3))} "
                  f"(majority share {spread.most_common(1)[0][1] / len(template):.3f}); model + rules {inside:.3f} "
                  f"there; its errors are {share * (1 - inside):.3f} of the {1 - np.mean(list(right.values())):.3f} "
                  f"total: every other row right would give {1 - share * (1 - inside):.3f}")
    return 0


def _ruled(task: str, predicted: str, found: set[str], enabled: tuple[str, ...] | None = None) -> str:
    if task == "target":
        return predicted
    lists = {"attack": [predicted], "weapon": [predicted]}
    lists = apply_rules(found, lists, {}, enabled) if enabled else apply_rules(found, lists, {})
    return lists[task][0]


if __name__ == "__main__":
    raise SystemExit(main())
