"""Study: how far can a text model go on MUC-3/4 relevance? (issue 4; no speed limit, not shipped)

Why: the shipped relevance model is linear over word uni/bigrams + concepts; before tuning it, learn the
ceiling of richer text models (TF-IDF word 1-3-grams, char n-grams; LR / LinearSVC) on the SAME out-of-fold
protocol the shipped model uses (five folds of MUC train by ``fold_of``). MUC dev is never read here.

Usage: python scripts/study_relevance.py --data ../shared/data [--errors]

Findings of 2026-11-24 (MUC train, 1,300 docs, 700 relevant; F1 with the threshold chosen on the other folds):
TF-IDF word 1-3-grams LR C=10/100 0.791/0.787, LinearSVC C=0.1/1 0.771/0.783; char_wb 2-5 LR C=10/100
0.788/0.796, LinearSVC 0.769/0.795; word + char LR C=10/100 0.801/0.803, LinearSVC 0.781/0.800 (best
threshold at most 0.808); the shipped recipe (word uni/bigrams + concepts, LR C=0.3) 0.799 (best threshold 0.807). Its
variations move it by noise only: GTD weight 0 0.801, no synthetic negatives 0.790, neither 0.801, C=0.1 0.799,
C=1 0.793; five more concepts (election, negotiation, war, interview, period) 0.794 (concept-only 0.757 ->
0.764); document score + best paragraph's score 0.807. So a bag-of-n-grams text model stays near 0.80 here.
``--errors``: false alarms carry military casualties (0.24 vs 0.13 of hits), clashes (0.28 vs 0.15) and old
years (0.29 vs 0.15); misses are long (median 324 words vs 223) interviews and situation pieces where one
incident is told in passing - MUC's own line (military targets, combat, old events), which n-grams do not see.
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

from marsad.monitor.training import train as shipped
from marsad.monitor.training.corpora import fold_of, load_gtd, load_muc, strip_gtd_date
from marsad.monitor.features import featurise

FOLDS = 5


def best_f1(scores: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """The best F1 over thresholds on ``scores`` (an optimistic ceiling) and F1 at 0 (the model's own)."""
    order = np.argsort(-scores)
    tp = np.cumsum(y[order])
    f1 = 2 * tp / (np.arange(1, len(y) + 1) + y.sum())
    return float(f1.max()), float(2 * ((scores >= 0) & (y == 1)).sum() / ((scores >= 0).sum() + y.sum()))


def nested_f1(scores: np.ndarray, y: np.ndarray, folds: np.ndarray) -> float:
    """F1 with the threshold chosen on the other folds' out-of-fold scores (honest, no peeking)."""
    pred = np.zeros(len(y), dtype=bool)
    for k in range(FOLDS):
        test = folds == k
        s, t = scores[~test], y[~test]
        order = np.argsort(-s)
        tp = np.cumsum(t[order])
        f1 = 2 * tp / (np.arange(1, len(t) + 1) + t.sum())
        thr = s[order][int(f1.argmax())]
        pred[test] = scores[test] >= thr
    tp = (pred & (y == 1)).sum()
    return float(2 * tp / (pred.sum() + y.sum()))


def oof(make_x, make_model, texts, y, folds) -> np.ndarray:
    out = np.zeros(len(y))
    for k in range(FOLDS):
        test = folds == k
        xtr, xte = make_x([t for t, m in zip(texts, test) if not m], [t for t, m in zip(texts, test) if m])
        model = make_model().fit(xtr, y[~test])
        out[test] = model.decision_function(xte)
    return out


def vectorisers(kind: str):
    def make(train, test):
        parts = []
        if kind in ("word", "both"):
            v = TfidfVectorizer(ngram_range=(1, 3), min_df=2, sublinear_tf=True, max_features=300_000)
            parts.append((v.fit_transform(train), v.transform(test)))
        if kind in ("char", "both"):
            v = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=3, sublinear_tf=True,
                                max_features=300_000)
            parts.append((v.fit_transform(train), v.transform(test)))
        return sparse.hstack([p[0] for p in parts]).tocsr(), sparse.hstack([p[1] for p in parts]).tocsr()
    return make


#: rough, language-blind cues of MUC's "not relevant" (English regexes: a study, not a feature)
CUES = {
    "mil-casualty": re.compile(r"\b(soldiers?|troops|army|military|guardsmen|police(men)?|patrol)\b.{0,60}"
                               r"\b(killed|wounded|dead|ambush)|\b(killed|wounded|ambushed)\b.{0,40}"
                               r"\b(soldiers?|troops|guardsmen|policemen|patrol)"),
    "clash": re.compile(r"\bclash(es)?\b|\bcombat\b|\bfighting\b"),
    "question": re.compile(r"\?"),
    "year<=1989": re.compile(r"\b19[0-8]\d\b"),
}


def shipped_oof(root: Path, variant: str = "full", c: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold scores of the shipped recipe (training/train.py) on MUC train, and the MUC labels."""
    feats, y, w, folds = shipped._relevance_set(root, random.Random(13))
    gtd_feats = [featurise(strip_gtd_date(d.text), None, "en") for d in load_gtd(root, "train")]
    words, concepts = shipped._vocab([[f for f, x in zip(feats, w) if x > 0], gtd_feats])
    x = shipped._matrix(feats, {t: i for i, t in enumerate(words)}, variant == "full", len(concepts),
                        {t: i for i, t in enumerate(concepts)})
    wt = np.where(w < 0, 0.0 if variant == "full" else -w, w)
    c = shipped.C_VALUES[("relevance", variant)] if c is None else c
    out = np.zeros(len(y))
    for k in range(FOLDS):
        test = folds == k
        out[test] = shipped._fit(x[~test], y[~test], wt[~test], c).decision_function(x[test])
    held = folds >= 0
    return out[held], y[held]


def error_profile(root: Path) -> None:
    """Share of each cue among hits, misses, false alarms and correct rejections (out-of-fold)."""
    docs = load_muc(root, "train")
    scores, y = shipped_oof(root)
    pred, gold = scores >= 0, y == 1
    length = np.array([len(d.text.split()) for d in docs])
    for name, m in (("hit", pred & gold), ("miss", ~pred & gold), ("false alarm", pred & ~gold),
                    ("rejection", ~pred & ~gold)):
        shares = "  ".join(f"{cue} {np.mean([bool(rx.search(docs[i].text)) for i in np.flatnonzero(m)]):.2f}"
                           for cue, rx in CUES.items())
        print(f"{name:11s} n={m.sum():4d}  median words {np.median(length[m]):.0f}  {shares}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--errors", action="store_true", help="only the shipped recipe's error profile")
    args = parser.parse_args()
    if args.errors:
        error_profile(args.data)
        return
    docs = load_muc(args.data, "train")
    texts = [d.text for d in docs]
    y = np.array([int(d.labels["relevant"]) for d in docs])
    folds = np.array([fold_of(d.id, FOLDS) for d in docs])
    print(f"MUC train: {len(y)} docs, {y.sum()} relevant")
    for kind in ("word", "char", "both"):
        for name, make_model in (
            *[(f"LR C={c}", lambda c=c: LogisticRegression(C=c, max_iter=3000)) for c in (10, 100)],
            *[(f"SVC C={c}", lambda c=c: LinearSVC(C=c)) for c in (0.1, 1)],
        ):
            s = oof(vectorisers(kind), make_model, texts, y, folds)
            best, at0 = best_f1(s, y)
            print(f"{kind:5s} {name:10s} OOF F1 at 0: {at0:.3f}  nested-threshold: {nested_f1(s, y, folds):.3f}  "
                  f"best-threshold ceiling: {best:.3f}", flush=True)


if __name__ == "__main__":
    main()
