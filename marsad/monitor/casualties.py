"""Killed and wounded counts of the incident a news report describes (Arabic, English, French), GTD semantics.

Why it exists: GTD's ``nkill``/``nwound`` are the headline figures of an incident record; reports state them
in many shapes ("killing five and wounding 12", "two soldiers and a civilian were killed", "deux morts et
cinq blessés", "أسفر عن مقتل ثلاثة جنود وجرح آخرين", "سقوط قتيلين"). The reader here works on tokens of the
sentences that contain a casualty word (their stems found with the lead's other literal guards in one pass,
so reports without any cost almost nothing):

* every number (digits, number words, "a/the/un/une" + a person noun = 1, Arabic duals = 2, "himself" = 1)
  is tied to a casualty word after it ("three people *were killed*", "12 *blessés*", "3 أشخاص *حتفهم*") or,
  failing that, before it ("*killing* five", "*مقتل* خمسة", "*la mort de* deux", "the *death toll* rose to 14");
  "active" verbs ("gunmen killed 10") never take the number before them;
* lists are summed ("two police officers and three civilians were killed" → 5), ranges keep their lower
  bound ("between 10 and 15", like GTD's conservative figures and ISAF's "min killed");
* sentences are combined by taking the largest figure (restatements are not added), except sentences marked
  as additional ("also", "another", "كما", "également"), which add; "in addition to the bomber" adds the
  perpetrators. Attackers: GTD's codebook counts in ``nkill`` every victim *and attacker* who died (``nkillter``
  is its separate attackers' figure), so "killed 6 people … the bomber also died" is 7, in every language
  ("blew himself up, killing six", "tuant six personnes et le kamikaze", "مقتل ستة أشخاص والانتحاري"); a
  bomber counted within the figure ("six people, including the bomber") is not added again;
* "no casualties" / "aucune victime" / "لم يسفر عن إصابات" give 0, and so does a report with no casualty word
  at all that says the device was defused, the hostages were freed unharmed or only damage was done
  (:mod:`marsad.monitor.toll_statements`); background sentences ("since 2019",
  "so far this year") are skipped; vague amounts ("dozens", "عشرات") are not counts.

Policy (the GTD codebook's: ``nkill``/``nwound`` stay blank only where deaths/injuries are evidenced without a
usable figure): a report giving one figure and never the other gives 0 for the other; one telling its victims'
fate with no death word (injured, abducted, a stopped attempt: :func:`~marsad.monitor.toll_statements.fate_zeros`)
is 0 killed, and likewise 0 wounded. A flash telling no fate keeps ``None`` ("not stated yet" is not "none").
A carried-out assassination with no count ("assassinated the mayor", "اغتيال رئيس البلدية", "le maire a été
assassiné") states one killed, like a named victim ("shot and killed Ahmad Khan, a teacher").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import chain, compress, repeat

from marsad.monitor.numbers import (
    ARABIC_NUMBER_WORDS,
    DUALS,
    NUMBER_STARTS,
    VAGUE,
    by_script,
    has_latin,
    normalise,
    parse_number,
    read_number,
    tokenize,
)

from marsad.monitor.toll_statements import CUE_STEMS as _CUE_STEMS
from marsad.monitor.toll_statements import SELF_BLAST as _SELF_BLAST
from marsad.monitor.toll_statements import ZERO_LITERALS as _ZERO_LITERALS
from marsad.monitor.toll_statements import Literals
from marsad.monitor.toll_statements import assassination as _assassination
from marsad.monitor.toll_statements import attacker_only as _attacker_only
from marsad.monitor.toll_statements import damage as _damage
from marsad.monitor.toll_statements import fate_zeros as _fate_zeros
from marsad.monitor.toll_statements import lead_literals
from marsad.monitor.toll_statements import named_victims as _named_victims
from marsad.monitor.toll_statements import single_victim as _single_victim
from marsad.monitor.toll_statements import zero_statements
from marsad.monitor.toll_statements import no_harm as _no_harm

__all__ = ["Casualties", "find_casualties"]


@dataclass(frozen=True)
class Casualties:
    """Killed and wounded (``None`` = unknown) and the normalised sentences the figures came from."""

    killed: int | None
    wounded: int | None
    evidence: tuple[str, ...] = ()


K, W = "killed", "wounded"
# words after a number: "3 people were killed", "12 blessés", "5 قتلى"
_POST = {
    **dict.fromkeys("killed dead died die dies deaths fatalities slain perished lives executed beheaded "
                    "assassinated".split(), K),
    **dict.fromkeys("wounded injured hurt injuries".split(), W),
    **dict.fromkeys("tue tues tuee tuees morts mort deces decedes victimes peri perissent abattu abattus abattue "
                    "abattues".split(), K),
    **dict.fromkeys("blesse blesses blessee blessees".split(), W),
    **dict.fromkeys(normalise("قتلى قتيل قتيلا شهداء شهيد شهيدا حتفهم حتفه حتفهما مصرعهم مصرعه مصرعهما "
                              "قتلوا ضحايا قتيلاً").split(), K),
    **dict.fromkeys(normalise("جرحى جريح جريحا مصابين مصابا مصاب إصابات اصيبوا جرحوا").split(), W),
}
# words before a number: "killing five", "مقتل خمسة", "la mort de deux", "death toll rose to 14"
_PRE = {
    **dict.fromkeys("killing kill kills killed toll lives deaths death claimed dead fatally executed beheaded "
                    "assassinated".split(), K),
    **dict.fromkeys("wounding injuring wounded injured".split(), W),
    **dict.fromkeys("tuant tue mort deces bilan vie abattu abattant".split(), K),
    **dict.fromkeys("blessant blesse".split(), W),
    **dict.fromkeys(normalise("مقتل قتل استشهاد مصرع وفاة حصيلة بحياة حياة قتلت يقتل وقتل").split(), K),
    **dict.fromkeys(normalise("إصابة جرح أصيب أصابت جرحت إصابه").split(), W),
}
# verbs that are active (take an object after them) when a number or determiner follows
_AMBIGUOUS = {"killed", "wounded", "injured", "tue", "blesse", "tues", "blesses", "abattu", "abattus"}
_DETERMINERS = set("the a an his her their its two three le la les un une des plusieurs deux trois".split())
_FILLERS = set(
    "at least some about around nearly almost more than over up to of the a an total estimated approximately "
    "as many rose risen climbed reached has had have stood stands is was now further another all shooting shot "
    "stabbing stabbed "
    "au moins plus de d des pres environ quelque les la le l s eleve a passe est provisoire fait".split()
) | set(normalise("حوالي نحو ما لا يقل عن أكثر من قرابة زهاء إلى الى ارتفعت ارتفع بلغت وصلت القتلى الضحايا "
                  "اكثر").split())
_BREAK = set(
    ". ; : ( ) but while when after before as including who which that where whom mais alors lorsque apres dont "
    "qui avant tandis without sans".split()) | {"دون", "لم", "ولم"} | set(
    normalise("حيث بينما فيما بعد عندما الذي التي الذين بينهم منهم").split())
_AND_FILLERS = frozenset("و" + word for word in _FILLERS if "\u0600" <= word[:1] <= "\u06ff")
_LIST = {"and", ",", "et", "و", "&", "as", "well"}
_RANGE_AFTER = {"to", "-", "–", "or", "a", "ou", "او", "الى", "الي", "و", "and", "et"}
_RANGE_BEFORE = {"between", "entre", "بين"}
_PERSON = set(
    "civilian soldier policeman policewoman officer man woman child boy girl person student worker guard "
    "assailant attacker perpetrator gunman bomber militant insurgent driver passenger farmer teacher journalist "
    "member official leader commander resident villager employee contractor citizen doctor judge trooper marine "
    "pilgrim worshipper shopkeeper elder cleric imam priest politician mayor councilor victim fighter rebel "
    "terrorist jihadist hostage security policeman civil soldat policier gendarme militaire homme femme enfant "
    "personne passant eleve etudiant agent garde assaillant kamikaze terroriste jihadiste djihadiste chauffeur "
    "passager commercant berger villageois habitant membre responsable chef otage fidele elu maire ressortissant "
    "touriste casque missionary bystander engineer pilot brother son father cousin wife husband daughter "
    "mother nephew bodyguard chief governor deputy spokesman head sergeant captain colonel general "
    "lieutenant private constable".split())
_OF = {"of", "d", "de", "du"}
_AUX = {"was", "were", "been", "be", "are", "is", "ete", "etaient", "sont", "ont", "fut", "furent"}
# what may follow a participle used passively ("two soldiers killed in an ambush", "12 tués, 5 blessés")
_AFTER_PASSIVE = set(
    ". , ; : ( ) - in on at during when after by near and while as overnight yesterday today earlier later "
    "since following amid across inside outside including the including or were was dans lors pendant par pres "
    "et a au aux apres hier selon dont lundi mardi mercredi jeudi vendredi samedi dimanche monday tuesday "
    "wednesday thursday friday saturday sunday".split())
_INCLUDING = {"including", "among", "dont", "parmi", "بينهم", "منهم"}
_HARD_BREAK = {".", ";", ":", "while", "when", "after", "before", "but", "mais", "lorsque", "alors", "بينما", "فيما"}
_OTHERS = {"others", "autres", "اخرين", "اخرون"}
_ARTICLES_BY_LANG = {"en": {"a", "an", "the", "his", "her"}, "fr": {"un", "une", "le", "la", "l", "son", "sa"}}
_ARTICLES = _ARTICLES_BY_LANG["en"] | _ARTICLES_BY_LANG["fr"]
# asides that would cut "Two people, including a police officer, were killed" in two
_ASIDE = re.compile(
    r",\s*(?:including|among them)(?:(?!\b(?:were|was|killed|wounded|injured)\b)[^.;]){0,120}?,"
    r"(?=\s*(?:were|was|had|have|are)\b)|"  # "18 people, including 13 assailants, four police officers, were"
    r",\s*(?:including|among them|identified as|most of them|mostly|all of them|both of them|dont|parmi eux|"
    r"parmi lesquels|من بينهم|بينهم)(?:(?!\b(?:were|was|are|is|killed|wounded|injured|ont|sont)\b)[^,.;]){0,80},"
    r"|,\s*(?:a|an|the|un|une|le|la)\s+[^,.;]{0,50},(?=\s*(?:was|were|is|had|has|a ete|est)\b)"  # apposition
    r"|\([^()]{0,80}\)")
_ASIDE_GUARDS = by_script(("includ", "among", "identified", "most", "all of", "both of", "dont", "parmi", "بينهم",
                           "(", ", a ", ", an ", ", the ", ", un", ", le ", ", la "))
# GTD divides figures given "across" several attacks evenly among them
_SHARED_CUES = by_script(("across", "in both", "between this", "attacks", "clashes", "blasts", "incidents",
                          "explosions", "bombings", "assaults"))
_ACROSS = re.compile(r"\bacross\b|\bin both\b|\bbetween this and\b|\b(?:in|during) the (?:\w+ )?(?:attacks|clashes|"
                     r"blasts|incidents|explosions|bombings|assaults)\b")
_ONE_OF_N = re.compile(r"\bone of (?:at least )?(two|three|four|five|six|\d+) (?:\w+ ){0,3}?(?:attacks|incidents|bombings|blasts|"
                       r"explosions|assaults|clashes)")
_SUICIDE_WORDS = ("suicide bomber", "kamikaze", "انتحاري")
_AR_PERSON = set(normalise("جندي شخص مدني شرطي طفل رجل امرأة عنصر ضابط مواطن مسلح انتحاري منفذ مهاجم طالب "
                           "فلاح راع حارس مجند عسكري").split())
_ONE = {"himself", "herself", "another", "نفسه"}
_ORDINALS = {"second", "third", "fourth", "fifth"}
_UNITS = set(
    "km kms kilometres kilometers km2 miles metres meters m kg years year old pm am hours hour minutes percent % "
    "days weeks months ans an heures heure kilometres mois semaines jours".split()
) | set(normalise("عاما عام سنوات سنة سنه ساعات ساعة دقيقة دقائق كيلومتر كلم كم متر أيام يوما شهر أشهر").split())
_AR_CLITIC_SPLIT = {k for k in (*_POST, *_PRE) if "\u0600" <= k[:1] <= "\u06ff"}
_BACKGROUND = re.compile(
    r"\bsince (?:19|20)\d\d|\bso far (?:this|in)|\bthis year\b|\bin total\b|\bover the past\b|\bin recent\b|"
    r"depuis (?:le debut|(?:19|20)\d\d|janvier)|cette annee|منذ (?:بداي|عام|مطلع|(?:19|20)\d\d)|هذا العام|خلال العام")
# cheap literal guards before the costlier regular expressions
_BACKGROUND_GUARDS = by_script(("since", "so far", "this year", "in total", "over the past", "in recent", "depuis",
                                "cette annee", "منذ", "هذا العام", "خلال العام"))
_ADDITIVE_WORDS = by_script(("also", "another", "additional", "in addition,", "egalement", "aussi", "كما", "ايضا"))
_IN_ADDITION_GUARDS = by_script(("addition", "besides", "as well as", "aside from", "apart from", "outre", "en plus",
                                 "اضافه", "and the", "et le", "et l ", "والانتحاري"))
_IN_ADDITION = re.compile(
    r"\b(?:in addition to|besides|as well as|aside from|apart from|outre|en plus d[eu]?s?) "
    r"(?P<death>(?:the )?deaths? of )?(?:the |les? |la |l )?"
    r"(?:(?P<n>\d+|two|three|four|five|six|deux|trois|quatre|cinq) )?(?:suicide |female |male )?"
    r"(?:(?P<plural>bombers|assailants|attackers|perpetrators|gunmen|kamikazes|assaillants)|"
    r"bomber|assailant|attacker|perpetrator|gunman|kamikaze|assaillant)\b|"
    # "killing six people and the bomber", "tuant six personnes et le kamikaze", "ستة أشخاص والانتحاري"
    r"\b(?:and|et) (?:the |le |l )(?:suicide )?(?:bomber|kamikaze|attacker|assailant|assaillant)\b|"
    r"(?:بالاضافه|اضافه) (?:الي )?(?:ال)?(?:انتحاري|منفذ|مهاجم)|(?<= )والانتحاري(?!\w)")
_SENTENCE_CHARS = ".!?\n"


def _tokens(sentence: str) -> list[str]:
    """Tokens with Arabic clitics split off casualty words ("واصابه" → "و", "اصابه") and duals expanded."""
    toks = tokenize(sentence)
    if not _ARABIC_LETTER.search(sentence):  # clitics and duals are Arabic: a Latin sentence's tokens stand
        return toks
    return list(chain.from_iterable(map(_SPLIT_TOKEN.__getitem__, toks)))  # C-level: no Python loop per token


class _TokenMemo(dict):
    """A token's answer from ``work``, worked out once per distinct token (reports repeat their words)."""

    def __init__(self, work) -> None:
        super().__init__()
        self.work = work

    def __missing__(self, token: str):
        if len(self) > 100_000:  # a long-running monitor meets new words without end: start afresh
            self.clear()
        self[token] = value = self.work(token)
        return value


def _split_token(token: str) -> tuple[str, ...]:
    """The tokens ``token`` stands for ("وقتل" → "و", "قتل"; a dual → "2", its noun)."""
    tok, head = token, ()
    if len(tok) > 2 and tok[0] in "وفبل" and (len(tok) > 3 and (
            tok[1:] in _AR_CLITIC_SPLIT or tok[1:] in DUALS or tok[1:] in ARABIC_NUMBER_WORDS)
            or tok in _AND_FILLERS):  # "وقتل", "وثلاثة", "وما لا يقل عن": و + filler
        head, tok = (tok[0],), tok[1:]
    return head + (("2", DUALS[tok]) if tok in DUALS else (tok,))


_SPLIT_TOKEN = _TokenMemo(_split_token)
_ARABIC_LETTER = re.compile("[\u0600-\u06ff]")


def _person_start(toks: list[str], i: int, lang: str) -> int | None:
    """Index of the article of "a/the/his [up to 3 modifiers] <person noun>" ending at toks[i], else None."""
    for back in range(1, 5):
        j = i - back
        if j < 0:
            return None
        if toks[j] in _ARTICLES_BY_LANG.get(lang, _ARTICLES):
            return j
        if not toks[j].isalpha() or toks[j] in NUMBER_STARTS or toks[j] in _POST or toks[j] in _PRE \
                or toks[j] in _BREAK or toks[j] in _LIST:
            return None
    return None


_COUNT_STARTS = frozenset((*_PERSON, *_AR_PERSON, *_ONE, *_ORDINALS, *_OTHERS, *NUMBER_STARTS, "both", "كلاهما",
                           "him"))
_MAY_COUNT = _TokenMemo(lambda tok: tok in _COUNT_STARTS or tok[:1].isdigit())  # may start a count


def _owner(toks: list[str], start: int) -> bool:
    """Whether the person phrase at ``start`` names an owner: "two children *of a* police officer were killed",
    "deux enfants *d un* policier" (whose children, not a count; "the death of a soldier" is one)."""
    return start >= 2 and toks[start - 1] in _OF and toks[start - 2].isalpha() and toks[start - 2] not in _PRE


def _read_at(toks: list[str], i: int, lang: str, spans: list) -> tuple[int, object, int] | None:
    """(start, value, end) of a count at toks[i]: digits, number words, "a soldier" = 1, "both" = 2…

    Asked only where :data:`_MAY_COUNT` holds (a token in ``_COUNT_STARTS`` or starting with a digit: no
    other token starts a count), by :func:`_spans`; a test that was made here again for every such token."""
    tok = toks[i]
    prev = toks[i - 1] if i else ""
    if tok in _PERSON and (start := _person_start(toks, i, lang)) is not None and not (spans and spans[-1][1] > start):
        return None if _owner(toks, start) else (start, 1, i + 1)
    if tok in _AR_PERSON and prev in _PRE:
        return i, 1, i + 1
    if tok == "him":  # "killing him and two women": only right after a casualty word
        return (i, 1, i + 1) if prev in _PRE else None
    if tok in ("both", "les deux", "كلاهما"):
        return i, 2, i + 1
    if tok in _OTHERS and not (spans and spans[-1][1] == i):  # not right after a count ("two and others")
        return i, VAGUE, i + 1
    if (tok in _ONE or (tok in _ORDINALS and prev in ("a", "an"))) and not (
            i + 1 < len(toks) and toks[i + 1][:1].isdigit()):  # the next token is no digit
        return i, 1, i + 1
    if tok in NUMBER_STARTS or tok[:1].isdigit():
        if tok in ("un", "une") and _owner(toks, i):
            return None
        read = read_number(toks, i, lang)
        if read is not None and read[1] > i:
            return i, read[0], read[1]
    return None


def _spans(toks: list[str], lang: str) -> list[tuple[int, int, object]]:
    """(start, end, value) of every count in the tokens; ranges keep their lower bound."""
    spans: list[tuple[int, int, object]] = []
    i = 0  # the tokens before i are read; only those that may start a count are tried (not a call per token)
    for j in compress(range(len(toks)), map(_MAY_COUNT.__getitem__, toks)):  # C-level: no Python test per token
        if j < i or (read := _read_at(toks, j, lang, spans)) is None:
            continue
        start, value, end = read
        prev = toks[start - 1] if start else ""
        if isinstance(value, int) and (value > 20000 or (toks[start].isdigit() and 1900 <= value <= 2100)):
            value = None
        if end < len(toks) and toks[end] in _UNITS or prev in ("aged", "age", "agee", "عمر", "#", "no"):
            value = None
        if end + 2 < len(toks) and toks[end] in ("of", "sur", "من") and toks[end + 1] in ("the", "les", "") \
                and toks[end + 2][:1].isdigit():
            end += 3  # "2 of the 3 assailants"
        if end + 1 < len(toks) and toks[end] in _RANGE_AFTER and (toks[end + 1][:1].isdigit()
                                                                  and (prev in _RANGE_BEFORE or toks[end] not in _LIST)):
            upper = read_number(toks, end + 1, lang)
            end = upper[1] if upper else end
        if value is not None:
            spans.append((start, end, value))
        i = max(end, j + 1)
    return spans


def _including(toks: list[str], spans: list, kinds: list) -> set[int]:
    """"eight people, including four policemen, were killed": the outer count takes the verb after the
    aside and the counts inside the aside are dropped (they are part of the outer one). Returns dropped spans."""
    dropped: set[int] = set()
    if _INCLUDING.isdisjoint(toks):  # no aside at all (most sentences): one C-level test
        return dropped
    for k, (_, end, _) in enumerate(spans):
        if kinds[k]:  # a span with its own casualty word keeps it: no aside to look for
            continue
        j = end
        while j < min(end + 3, len(toks)) and toks[j] not in _INCLUDING:
            j += 1
        if j >= min(end + 3, len(toks)):
            continue
        for q in range(j + 1, min(j + 25, len(toks))):
            if toks[q] in _HARD_BREAK:
                break
            if toks[q] in _POST and toks[q - 1] in _AUX:
                kinds[k] = _POST[toks[q]]
                dropped.update(m for m in range(k + 1, len(spans)) if spans[m][0] < q)
                break
    return dropped


def _forward(toks: list[str], spans: list, k: int) -> str | None:
    """Casualty word after span k ("were killed"), following lists ("two soldiers and three civilians")."""
    j, limit = spans[k][1], spans[k][1] + 8
    next_start = spans[k + 1][0] if k + 1 < len(spans) else len(toks)
    passive = False
    while j < min(limit, len(toks)):
        tok = toks[j]
        if j == next_start:
            return None
        if tok in ("-", "'"):
            limit += 1
        passive = passive or tok in _AUX
        if tok in _POST:
            nxt = toks[j + 1] if j + 1 < len(toks) else ""
            if tok in _AMBIGUOUS and not passive and nxt and nxt not in _AFTER_PASSIVE:
                return None  # "gunmen killed 10 people", "two assailants shot and killed Ahmad": active verb
            return _POST[tok]
        if tok in _LIST and k + 1 < len(spans) and (next_start <= j + 2 or tok in ("and", "et", "و") and all(
                t in _FILLERS for t in toks[j + 1:next_start])):  # "four police and at least one attacker"
            return _forward(toks, spans, k + 1)
        if tok in (",", "and") and j + 1 < len(toks) and (toks[j + 1] in _AUX or toks[j + 1] in _POST):
            j += 1  # "X, a police commander, was killed", "shot and killed"
            continue
        if tok in _BREAK or tok in _LIST or tok in _PRE:
            return None
        j += 1
    return None


def _backward(toks: list[str], spans: list, k: int, kinds: list) -> str | None:
    """Casualty word before span k ("killing five", "مقتل خمسة") or the kind of a listed span before it."""
    j = spans[k][0] - 1
    steps = 0
    while j >= 0 and steps < 6:
        tok = toks[j]
        if tok in _PRE:
            return _PRE[tok]
        if tok in _LIST and k > 0 and kinds[k - 1] and j - spans[k - 1][1] <= 3:
            between = toks[spans[k - 1][1]:j]
            if not any(t in _POST or t in _PRE or t in _BREAK for t in between):
                return kinds[k - 1]
        if tok not in _FILLERS and not (tok in _POST and steps):
            return None
        j -= 1
        steps += 1
    return None


_MAX_SENTENCES = 5  # tolls are stated in the lead; later casualty sentences are mostly background
_LEAD_CHARS = 1200
_UPDATE_WORDS = ("toll", "bilan", "حصيله", "rose to", "risen to", "climbed to", "s eleve", "ارتفع")
_SMALL = {"two": 2, "deux": 2, "three": 3, "trois": 3, "four": 4, "quatre": 4, "five": 5, "cinq": 5, "six": 6}


def _sentence_counts(sentence: str, lang: str, norm: str = "", latin: bool = True,
                     present: frozenset[str] | None = None) -> tuple[dict[str, int], set[str], str]:
    """Summed killed/wounded figures stated in one sentence, the kinds given only vaguely ("others"), and
    whether the dead counted are attackers: "only" ("all nine bombers were killed"), "some" or "none".
    ``norm``: the whole normalised report, where "in addition to the bombers" finds how many there were;
    ``present``: the sentence's literal guards (:data:`_sentence_literals`), found again once it changes."""
    extra, attackers_dead = 0, False
    present = _sentence_literals(sentence) if present is None else present
    if not present.isdisjoint(_IN_ADDITION_GUARDS[latin]) and (m := _IN_ADDITION.search(sentence)) and \
            _adds_attackers(sentence, m):
        extra = _SMALL.get(m["n"] or "", int(m["n"]) if (m["n"] or "").isdigit() else 1)
        if not m["n"] and m["plural"]:  # "in addition to the bombers": as many as the report names, two at least
            extra = max(2, _bombers(norm))
        attackers_dead = bool(m["death"])  # "in addition to the death of the assailant, two were injured"
        sentence = sentence[:m.start()] + " " + sentence[m.end():]
        present = _sentence_literals(sentence)
    if "to death" in present:  # "stabbed to death", "beaten to death": killed
        sentence = _TO_DEATH.sub(" killed", sentence)
        present = _sentence_literals(sentence)
    if not present.isdisjoint(_ASIDE_GUARDS[latin]):
        sentence = _ASIDE.sub(" ", sentence)
    toks = _tokens(sentence)
    spans = _spans(toks, lang)
    kinds: list[str | None] = []
    for k in range(len(spans)):
        kinds.append(_forward(toks, spans, k) or _backward(toks, spans, k, kinds))
    dropped = _including(toks, spans, kinds)
    counts: dict[str, int] = {}
    vague: set[str] = set()
    attackers: set[bool] = {True} if extra else set()
    for k, ((start, end, value), kind) in enumerate(zip(spans, kinds)):
        if kind is None or k in dropped:
            continue
        if kind == K:
            attackers.add(any(map(str.startswith, toks[start:end + 4], repeat(_ATTACKER_STEMS))))  # C-level
        if value is VAGUE:
            vague.add(kind)
        else:
            counts[kind] = counts.get(kind, 0) + int(value)  # type: ignore[arg-type]
    if extra and (K in counts or attackers_dead):
        counts[K] = counts.get(K, 0) + extra  # "in addition to the bomber": GTD counts perpetrators among the dead
    elif K in counts and ("self" in sentence or "exploser" in sentence or "نفس" in sentence) and \
            _SELF_BLAST.search(sentence):
        counts[K] += 1  # "blew himself up, killing three": the bomber is among the dead
        attackers.add(True)
    if K not in counts or True not in attackers:
        return counts, vague, "none"
    return counts, vague, "only" if attackers == {True} and not extra else "some"


def _adds_attackers(sentence: str, match: re.Match) -> bool:
    """Whether an "in addition to the bomber" match adds the attackers to the count: always for "in addition
    to", "بالإضافة إلى"; for "… and the bomber" only at the end of a clause after "killing N" ("killing six
    people and the bomber."), not in "including the officer and the assailant" or "the assailant was killed"."""
    if not match.group(0).startswith(("and ", "et ", "و")):
        return True
    before, after = sentence[:match.start()], sentence[match.end():].lstrip()
    return (any(map(before.__contains__, ("killing", "tuant", "مقتل")))
            and not any(map(before.__contains__, _INCLUDING)) and (not after or after[0] in ".,;"))


def _incidents_shared(norm: str, sentence: str, latin: bool, present: frozenset[str]) -> int:
    """How many attacks a figure given "across both attacks" is shared by (GTD divides it evenly), else 1."""
    if present.isdisjoint(_SHARED_CUES[latin]) or not _ACROSS.search(sentence):
        return 1
    m = _ONE_OF_N.search(norm)
    if m is None:
        return 2 if "both" in sentence else 1
    word = m.group(1)
    return int(word) if word.isdigit() else {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6}[word]


def find_casualties(text: str, lang: str) -> Casualties:
    """Killed and wounded in the incident ``text`` reports (language ``lang``: "ar", "en" or "fr")."""
    norm = normalise(text)
    totals: dict[str, int] = {}
    evidence: list[str] = []
    zero: set[str] = set()
    perpetrators = False  # a counted sentence names the attackers ("in addition to the bomber", "blew himself up")
    attackers, attackers_told = 0, False  # dead attackers counted apart / counted with the victims
    unknown: set[str] = set()  # kinds stated only vaguely ("and wounded others", "des dizaines de blessés")
    lead = norm[:_LEAD_CHARS]  # one string for every reader of the lead: its literals are found once
    cues = _cue_sentences(norm, lang, lead)
    for sentence in cues:
        latin = has_latin(sentence)  # guards with Latin letters are looked for only where there are any
        present = _sentence_literals(sentence)  # the sentence's literal guards, in one pass
        zero.update(zero_statements(sentence, latin, present))
        if not present.isdisjoint(_BACKGROUND_GUARDS[latin]) and _BACKGROUND.search(sentence):
            continue
        counts, vague, attackers_counted = _sentence_counts(sentence, lang, norm, latin, present)
        perpetrators = perpetrators or bool(counts) and not present.isdisjoint(_PERPETRATOR_WORDS[latin])
        unknown.update(vague)
        if not counts:
            continue
        evidence.append(sentence)
        if (shared := _incidents_shared(norm, sentence, latin, present)) > 1:
            counts = {kind: int(value / shared + 0.5) for kind, value in counts.items()}
        if attackers_counted == "only":  # attackers' deaths told apart from the victims' are added to them
            attackers = max(attackers, counts.pop(K))
        attackers_told = attackers_told or attackers_counted == "some"
        additive = not present.isdisjoint(_ADDITIVE_WORDS[latin])
        for kind, value in counts.items():
            totals[kind] = totals.get(kind, 0) + value if additive else max(totals.get(kind, 0), value)
    if K not in totals and K not in unknown and _attacker_only(lead):
        totals[K], perpetrators = 1, True  # the one dead is the attacker: not added again by _bombers
        zero.discard("both")
        zero.add(W)
    if lang == "en" and (K not in totals or W not in totals):
        for kind in (K, W):  # before the attackers: "killed Ahmad Khan … two attackers also died"
            if kind not in totals and kind not in unknown and (named := _named_victims(text, kind)):
                totals[kind] = named
    if attackers and not attackers_told:
        totals[K] = totals.get(K, 0) + attackers
    if totals.get(K) and not perpetrators:
        totals[K] += _bombers(norm)
    if K not in totals and K not in unknown and (_assassination(lead) or _single_victim(lead)):
        totals[K] = 1  # "assassinated the mayor", "اغتيال رئيس البلدية": GTD codes the named victim killed
    killed, wounded = totals.get(K), totals.get(W)
    stated = killed is not None or wounded is not None
    if not stated and not unknown and not cues:
        if _no_harm(lead) or _damage(lead):
            zero.add("both")
    need_k, need_w = killed is None and K not in unknown, wounded is None and W not in unknown
    if need_k or need_w:  # a fate told with no death (injury) word in the lead: GTD codes 0
        zero_k, zero_w = _fate_zeros(lead, lang, need_k, need_w)
        killed, wounded = 0 if zero_k else killed, 0 if zero_w else wounded
    if killed is None and K not in unknown and (stated or zero):
        killed = 0  # a report that states a toll and no deaths: GTD codes 0
    if wounded is None and W not in unknown and (stated or zero):
        wounded = 0
    return Casualties(killed, wounded, tuple(evidence))


_TO_DEATH = re.compile(
    r"\s(?:were |was )?(?:stabbed|beaten|hacked|burned|burnt|stoned|bludgeoned|shot|clubbed) to death\b")
_ATTACKER_STEMS = ("bomber", "assailant", "attacker", "perpetrator", "gunm", "himself", "herself", "kamikaze",
                   "assaillant", "terrorist", "انتحاري", "منفذ", "مهاجم", "نفسه")
_PERPETRATOR_WORDS = by_script(("bomber", "assailant", "attacker", "perpetrator", "himself", "herself", "themselves",
                                "kamikaze", "assaillant", "انتحاري", "منفذ", "نفسه"))


def _bombers(norm: str) -> int:
    """Suicide bombers a report names (GTD counts them among the dead): "two suicide bombers" → 2, else 1."""
    for word in _SUICIDE_WORDS:
        i = norm.find(word)
        if i == -1:
            continue
        if word == "انتحاري":
            return 2 if norm.startswith("انتحاريين", i) or norm.startswith("انتحاريان", i) else 1
        before = norm[max(0, i - 30):i].split()[-2:]
        for token in reversed(before):
            value = parse_number(token, "fr" if word == "kamikaze" else "en")
            if value:
                return value
        return 1
    return 0


def _cue_sentences(norm: str, lang: str, lead: str) -> list[str]:
    """Distinct sentences holding a casualty word, in text order (a restated sentence counts once): those of
    the lead (``norm[:_LEAD_CHARS]``), then — past it — only those giving an updated toll ("the death toll
    rose to 14"). Only the stems the lead holds (one pass for all: :func:`lead_literals`) are looked for."""
    present = lead_literals(lead)
    stems = [stem for stem in _CUE_STEMS.get(lang, _CUE_STEMS["other"]) if stem in present]
    positions = _all(norm, stems, 0, _LEAD_CHARS)
    if len(norm) > _LEAD_CHARS:
        positions += _all(norm, _UPDATE_WORDS, _LEAD_CHARS, len(norm))
    sentences: list[str] = []
    end = -1
    marks = "".join(filter(norm.__contains__, _SENTENCE_CHARS))  # absent ones would be searched for in vain
    for pos in positions:
        if pos < end:
            continue
        if len(sentences) >= _MAX_SENTENCES:
            break
        start = max(map(norm.rfind, marks, repeat(0), repeat(pos)), default=-1) + 1  # C-level map
        ends = [e for e in map(norm.find, marks, repeat(pos)) if e != -1]
        end = min(ends) + 1 if ends else len(norm)
        sentence = norm[start:end].strip()
        if sentence not in sentences:
            sentences.append(sentence)
    return sentences


def _all(norm: str, words: list[str] | tuple[str, ...], start: int, stop: int) -> list[int]:
    """Sorted start positions of each of ``words`` in ``norm[start:stop]`` (most are absent: one find each)."""
    positions: list[int] = []
    for word in words:
        i = norm.find(word, start, stop)
        while i != -1:
            positions.append(i)
            i = norm.find(word, i + 1, stop)
    positions.sort()
    return positions


#: the literal guards of one cue sentence's readers, found in one pass (as :func:`lead_literals` for the lead)
_sentence_literals = Literals((*_IN_ADDITION_GUARDS[True], *_ASIDE_GUARDS[True], *_BACKGROUND_GUARDS[True],
                               *_PERPETRATOR_WORDS[True], *_ADDITIVE_WORDS[True], *_SHARED_CUES[True], "to death",
                               *_ZERO_LITERALS))
