"""Who did it: the perpetrator group named in an Arabic, English or French incident report.

Why: incident records name the group the way the Global Terrorism Database does ("Al-Shabaab",
"Houthi extremists (Ansar Allah)") so that figures compare with GTD, and "Unknown" when the report names
no group as the author. Groups and their aliases in three languages come from the organisations registry
(:mod:`marsad.model.organisations`); one scan of the folded text finds them all
(:class:`marsad.monitor.scanner.NameScanner`). Each mention is then weighed by the words of its sentence:
a claim ("claimed responsibility", "تبنى", "a revendiqué") or an attribution ("attributed the attack to",
"عناصر من تنظيم", "des jihadistes de l'EI") counts for it, a denial or a target framing ("against",
"ضد", "contre") against it. A generic mention of a parent group in a country where it has a branch
("Islamic State" in Afghanistan) is read as the branch when the caller gives the country.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import defaultdict
from dataclasses import dataclass

from marsad.model.organisations import Organisation, Registry, load_registry
from marsad.monitor.scanner import NameScanner, folded_text, scan_text
from marsad.text import fold

__all__ = ["PerpetratorResult", "find_perpetrator", "group_scanner", "UNKNOWN"]

UNKNOWN = "Unknown"


#: words around a group's name that say what the report makes of it (folded in :func:`_cue_scanner`)
_CUES: dict[str, tuple[str, ...]] = {
    "claim": (
        "claimed responsibility", "claimed the attack", "claimed the bombing", "claimed credit", "claimed the",
        "claiming responsibility", "took responsibility", "responsibility was claimed", "claim of responsibility",
        "claimed", "has claimed", "revendique", "revendiquee", "revendiquent", "revendication", "a revendique",
        "تبنى", "تبنت", "يتبنى", "تتبنى", "تبني", "تبنيه", "مسؤوليته", "مسؤوليتها", "المسؤوليه", "اعلن مسؤوليته",
    ),
    "no_claim": (
        "no group claimed", "no one claimed", "no group has claimed", "nobody claimed", "not claimed", "no claim",
        "aucune revendication", "n a ete revendique", "pas ete revendique", "personne n a revendique",
        "لم تتبن", "لم يتبن", "لم تعلن", "لم يعلن",
    ),
    "attributed": (
        "attributed the attack to", "attributed the incident to", "attributed the incidents to", "attributed to",
        "blamed", "suspected", "accused", "believed to be", "linked to", "carried out by", "perpetrated by",
        "by suspected", "suspect", "militants", "fighters", "attribue", "attribuee", "impute", "soupconne",
        "soupconnes", "accuse", "presumes", "par des", "par les", "jihadistes", "djihadistes", "combattants",
        "نسب", "اتهم", "اتهمت", "يشتبه", "المشتبه", "نفذه", "نفذها", "عناصر", "مسلحو", "مسلحي", "مسلحون",
        "مقاتلو", "مقاتلي", "مقاتلون", "هجوم لتنظيم", "هجوم لجماعه", "هجوم لحركه", "شنه", "شنها",
    ),
    "denied": ("denied", "denies", "deny", "dementi", "dementent", "nie", "a nie", "نفى", "نفت", "ينفي", "تنفي"),
    "target": (
        "against", "targeting", "targeted", "positions of", "raid on", "attack on", "strikes on", "killed a",
        "commander", "leader of", "former", "defector", "contre", "visant", "ciblant", "positions", "ضد", "مواقع",
        "استهداف", "استهدف", "قيادي", "زعيم", "معاقل", "امير",
    ),
    "target_after": (
        "commander", "commanders", "member", "members", "leader", "vehicle", "official", "loyalist", "loyalists",
        "defector", "positions", "hideout", "hideouts", "stronghold", "strongholds", "prisoners", "detainees",
        "chef", "membre", "membres", "قيادي", "قياديا", "عنصر", "معاقل", "مواقع", "سجناء",
    ),
}
_SENTENCE_END = re.compile(r"[.!?;\n]")


@dataclass(frozen=True, slots=True)
class PerpetratorResult:
    """The perpetrator: ``name`` as GTD writes it (or "Unknown"), ``confidence`` in [0, 1], ``evidence``
    (folded aliases and cues the answer rests on), ``claimed`` when the report says the group claimed it,
    and ``key`` the registry key (None for Unknown)."""

    name: str = UNKNOWN
    confidence: float = 0.0
    evidence: tuple[str, ...] = ()
    claimed: bool = False
    key: str | None = None


@functools.cache
def group_scanner() -> NameScanner:
    """The scanner over every name and alias of the registry's perpetrator groups (weak aliases marked ~)."""
    entries: list[tuple[str, object]] = []
    for org in load_registry().perpetrators():
        entries.extend((fold(name), org.key) for name in org.all_names())
        for lang_aliases in org.weak_aliases.values():
            entries.extend((fold(alias), "~" + org.key) for alias in lang_aliases)
    return NameScanner(entries)


@functools.cache
def _cue_scanner() -> NameScanner:
    return NameScanner((fold(phrase), kind) for kind, phrases in _CUES.items() for phrase in phrases)


def _cues(norm: str, bounds: list[int]) -> dict[str, dict[int, list[int]]]:
    """Cue positions by kind, then by sentence number; only the kinds found are keys (read them with
    ``.get(kind, _NONE)``: six empty tables a report cost more than the lookups)."""
    found: dict[str, dict[int, list[int]]] = {}
    for hit in _cue_scanner().scan(norm):
        sentence = _sentence_of(bounds, hit.start)
        for kind in hit.payloads:
            by_sentence = found.get(kind)
            if by_sentence is None:
                by_sentence = found[kind] = {}
            positions = by_sentence.get(sentence)
            if positions is None:
                by_sentence[sentence] = [hit.start]
            else:
                positions.append(hit.start)
    return found


#: the empty table of a cue kind not found (never written to)
_NONE: dict[int, list[int]] = {}


def _sentence_bounds(folded: str) -> list[int]:
    return [m.start() for m in _SENTENCE_END.finditer(folded)] + [len(folded)]


def _sentence_of(bounds: list[int], pos: int) -> int:
    return min(bisect.bisect_right(bounds, pos), len(bounds) - 1)


def _near(positions: list[int], start: int, end: int, before: int, after: int) -> bool:
    return any(start - before <= p <= end + after for p in positions)


def _score(start: int, end: int, sentence: int, cues: dict[str, dict[int, list[int]]]) -> tuple[float, bool, str]:
    """The weight of one mention, whether it is claimed, and the cue that decided."""
    if cues.get("claim", _NONE).get(sentence) and not cues.get("no_claim", _NONE).get(sentence):  # read when asked
        return 4.0, True, "claim"
    if _near(cues.get("attributed", _NONE).get(sentence, ()), start, end, 80, 30):
        return 3.0, False, "attributed"
    if _near(cues.get("denied", _NONE).get(sentence, ()), start, end, 10, 60):
        return 1.0, False, "denied"  # GTD keeps a group that sources blame even when it denies
    if _near(cues.get("target", _NONE).get(sentence, ()), start, end, 40, 0) or \
            _near(cues.get("target_after", _NONE).get(sentence, ()), start, end, 0, 12):
        return 0.3, False, "target"
    return 1.0, False, "named"


def _claims_by_reference(hits, claims: list[int], no_claims: list[int], bounds: list[int], best: dict, claimed: dict,
                         evidence: dict) -> None:
    """A claim in a sentence naming no group ("...; the group claimed responsibility") goes to the last
    group named in the sentence before it."""
    if not claims:  # no claim at all (most reports): nothing to give
        return
    named = {_sentence_of(bounds, h.start) for h in hits}
    for position in claims:
        if any(position - 25 <= p <= position for p in no_claims):
            continue
        sentence = _sentence_of(bounds, position)
        if sentence in named or sentence - 1 not in named:
            continue
        last = [h for h in hits if _sentence_of(bounds, h.start) == sentence - 1][-1]
        for payload in last.payloads:
            key = payload.lstrip("~")
            if key in best:
                best[key] = max(best[key], 4.0)
                claimed[key] = True
                evidence[key].append(f"claim:{last.key}")


def _branch(org: Organisation, country: str | None) -> Organisation:
    """The branch of ``org`` in ``country`` where the registry has one (searched down the tree)."""
    if not country:
        return org
    for child in _children(load_registry(), org.key):
        if country in child.branch_countries:
            return _branch(child, country)
    return org


@functools.lru_cache(maxsize=1024)
def _children(registry: Registry, key: str) -> tuple[Organisation, ...]:
    """``registry.children(key)``, kept (the registry is read once and never changes; it scans every group)."""
    return tuple(registry.children(key))


def find_perpetrator(text: str, lang: str, *, country: str | None = None) -> PerpetratorResult:
    """The group ``text`` (language ``lang``: ar, en, fr) names as the perpetrator, or "Unknown".

    ``country`` (ISO alpha-2, e.g. from :func:`marsad.monitor.places.find_places`) turns a generic mention
    of a parent group into its branch there."""
    if not text or not text.strip():
        return PerpetratorResult()
    norm, folded = scan_text(text), folded_text(text)
    hits = group_scanner().scan(norm)
    if not hits:
        return PerpetratorResult()
    bounds = _sentence_bounds(folded)
    cues = _cues(norm, bounds)
    best: dict[str, float] = {}
    counts: dict[str, int] = defaultdict(int)
    claimed: dict[str, bool] = defaultdict(bool)
    evidence: dict[str, list[str]] = defaultdict(list)
    for hit in hits:
        weight, is_claim, why = _score(hit.start, hit.end, _sentence_of(bounds, hit.start), cues)
        for payload in hit.payloads:
            weak = payload.startswith("~")
            key = payload.lstrip("~")
            if weak and why not in ("claim", "attributed"):
                continue
            weight_here = weight * (0.6 if weak else 1.0) + (0.5 if not best else 0.0)
            best[key] = max(best.get(key, -9.0), weight_here)
            counts[key] += 1
            claimed[key] |= is_claim
            evidence[key].append(f"{why}:{hit.key}")
    claims = [p for ps in cues.get("claim", _NONE).values() for p in ps]
    no_claims = [p for ps in cues.get("no_claim", _NONE).values() for p in ps]
    _claims_by_reference(hits, claims, no_claims, bounds, best, claimed, evidence)
    if not best:
        return PerpetratorResult()
    totals = {key: weight + 0.3 * min(counts[key] - 1, 3) for key, weight in best.items()}
    key = max(totals, key=totals.__getitem__)
    if totals[key] < 0.9:
        return PerpetratorResult(evidence=tuple(e for es in evidence.values() for e in es)[:4])
    org = _branch(load_registry().get(key), country.upper() if country else None)
    confidence = min(0.95, 0.4 + 0.12 * totals[key])
    return PerpetratorResult(org.gtd_name or org.name, round(confidence, 2), tuple(evidence[key][:4]), claimed[key], org.key)
