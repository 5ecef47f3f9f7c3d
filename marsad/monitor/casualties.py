"""Killed and wounded counts of the incident a news report describes (Arabic, English, French), GTD semantics.

Why it exists: GTD's ``nkill``/``nwound`` are the headline figures of an incident record; reports state them
in many shapes ("killing five and wounding 12", "two soldiers and a civilian were killed", "deux morts et
cinq blessés", "أسفر عن مقتل ثلاثة جنود وجرح آخرين", "سقوط قتيلين"). The reader here works on tokens of the
sentences that contain a casualty word (found by one precompiled regex, so reports without any cost almost
nothing):

* every number (digits, number words, "a/the/un/une" + a person noun = 1, Arabic duals = 2, "himself" = 1)
  is tied to a casualty word after it ("three people *were killed*", "12 *blessés*", "3 أشخاص *حتفهم*") or,
  failing that, before it ("*killing* five", "*مقتل* خمسة", "*la mort de* deux", "the *death toll* rose to 14");
  "active" verbs ("gunmen killed 10") never take the number before them;
* lists are summed ("two police officers and three civilians were killed" → 5), ranges keep their lower
  bound ("between 10 and 15", like GTD's conservative figures and ISAF's "min killed");
* sentences are combined by taking the largest figure (restatements are not added), except sentences marked
  as additional ("also", "another", "كما", "également"), which add; "in addition to the bomber" adds the
  perpetrators (GTD counts attackers among the dead);
* "no casualties" / "aucune victime" / "لم يسفر عن إصابات" give 0; background sentences ("since 2019",
  "so far this year") are skipped; vague amounts ("dozens", "عشرات") are not counts.

Policy (GTD coders do the same): when a report gives one figure (say killed) and never mentions the other,
the other is 0 if the report is about an incident with a stated toll, and ``None`` when nothing is stated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from marsad.monitor.numbers import (
    ARABIC_NUMBER_WORDS,
    DUALS,
    NUMBER_STARTS,
    VAGUE,
    normalise,
    read_number,
    tokenize,
)

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
    **dict.fromkeys("killed dead died die dies deaths fatalities slain perished lives".split(), K),
    **dict.fromkeys("wounded injured hurt injuries".split(), W),
    **dict.fromkeys("tue tues tuee tuees morts mort deces decedes victimes peri perissent".split(), K),
    **dict.fromkeys("blesse blesses blessee blessees".split(), W),
    **dict.fromkeys(normalise("قتلى قتيل قتيلا شهداء شهيد شهيدا حتفهم حتفه حتفهما مصرعهم مصرعه مصرعهما "
                              "قتلوا ضحايا قتيلاً").split(), K),
    **dict.fromkeys(normalise("جرحى جريح جريحا مصابين مصابا مصاب إصابات اصيبوا جرحوا").split(), W),
}
# words before a number: "killing five", "مقتل خمسة", "la mort de deux", "death toll rose to 14"
_PRE = {
    **dict.fromkeys("killing kill kills killed toll lives deaths death claimed".split(), K),
    **dict.fromkeys("wounding injuring wounded injured".split(), W),
    **dict.fromkeys("tuant tue mort deces bilan vie".split(), K),
    **dict.fromkeys("blessant blesse".split(), W),
    **dict.fromkeys(normalise("مقتل قتل استشهاد مصرع وفاة حصيلة بحياة حياة قتلت يقتل وقتل").split(), K),
    **dict.fromkeys(normalise("إصابة جرح أصيب أصابت جرحت إصابه").split(), W),
}
# verbs that are active (take an object after them) when a number or determiner follows
_AMBIGUOUS = {"killed", "wounded", "injured", "tue", "blesse", "tues", "blesses"}
_DETERMINERS = set("the a an his her their its two three le la les un une des plusieurs deux trois".split())
_FILLERS = set(
    "at least some about around nearly almost more than over up to of the a an total estimated approximately "
    "as many rose risen climbed reached has had have stood stands is was now further another "
    "au moins plus de d des pres environ quelque les la le l s eleve a passe est provisoire fait".split()
) | set(normalise("حوالي نحو ما لا يقل عن أكثر من قرابة زهاء إلى الى ارتفعت ارتفع بلغت وصلت القتلى الضحايا "
                  "اكثر").split())
_BREAK = set(
    ". ; : ( ) but while when after before as including who which that where whom mais alors lorsque apres dont "
    "qui avant tandis".split()) | set(normalise("حيث بينما فيما بعد عندما الذي التي الذين بينهم منهم").split())
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
    "touriste casque".split())
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
# stems of casualty words, looked for with str.find (a regex alternation scan costs more than the budget)
_CUE_STEMS = {
    "en": tuple("kill dead died dies death fatalit slain perish lives wound injur hurt casualt toll".split()),
    "fr": ("tue ", "tue,", "tues", "tuee", "tuant", "mort ", "morts", "mort,", "deces", "victime", "bless",
           "bilan", "peri", "la vie"),
    "ar": tuple(normalise("قتل قتيل شهيد شهدا استشهاد حتف مصرع وفا ضحايا حصيلة حياة جرح جريح اصاب اصيب مصاب "
                          "خسائر").split()),
}
_CUE_STEMS["other"] = _CUE_STEMS["en"] + _CUE_STEMS["fr"] + _CUE_STEMS["ar"]
# cheap literal guards before the costlier regular expressions
_ZERO_GUARDS = ("no ", "nobody", "without", "aucun", "pas de", "sans ", "ni ", "لم ", "دون", "عدم")
_BACKGROUND_GUARDS = ("since", "so far", "this year", "in total", "over the past", "in recent", "depuis",
                      "cette annee", "منذ", "هذا العام", "خلال العام")
_ADDITIVE_WORDS = ("also", "another", "additional", "egalement", "aussi", "كما", "ايضا")
_IN_ADDITION_GUARDS = ("addition", "besides", "as well as", "outre", "en plus", "اضافه")
_NONE_BOTH = re.compile(
    r"\bno (?:reported |other |immediate )?(?:casualties|victims|one was (?:hurt|harmed)|one hurt)|"
    r"\bwithout (?:causing )?(?:any )?casualties|\bno one (?:was )?(?:hurt|harmed)|\bnobody was (?:hurt|harmed)|"
    r"\bcaused no casualties|\bno casualties\b|"
    r"(?:aucune|pas de|sans faire de|sans faire|ni) victimes?|ni morts? ni bless|"
    r"لم (?:ي|ت)(?:سفر|ود|وقع|خلف)[^.]{0,12}(?:اصابات|ضحايا|خساير بشريه)|دون (?:وقوع )?(?:اي )?(?:اصابات|ضحايا|خساير)|"
    r"لم يصب احد|عدم وقوع (?:اي )?(?:اصابات|ضحايا)")
_NONE_WOUNDED = re.compile(
    r"\bno (?:reported )?injuries|\bno one (?:was )?(?:injured|wounded)|\bnobody was (?:injured|wounded)|"
    r"aucun bless|pas de bless|sans faire de bless")
_NONE_KILLED = re.compile(r"\bno (?:reported )?(?:deaths|fatalities)|\bno one (?:was )?killed|aucun mort|"
                          r"لم (?:ي|ت)(?:سفر|ود)[^.]{0,12}(?:قتلي|وفيات)")
_IN_ADDITION = re.compile(
    r"\b(?:in addition to|besides|as well as|outre|en plus d[eu]?s?) (?:the |les? |la |l )?"
    r"(?:(?P<n>\d+|two|three|four|five|six|deux|trois|quatre|cinq) )?(?:suicide |female |male )?"
    r"(?:bombers?|assailants?|attackers?|perpetrators?|gunm[ae]n|kamikazes?|assaillants?)\b|"
    r"(?:بالاضافه|اضافه) (?:الي )?(?:ال)?(?:انتحاري|منفذ|مهاجم)")
_SENTENCE_CHARS = ".!?\n"


def _tokens(sentence: str) -> list[str]:
    """Tokens with Arabic clitics split off casualty words ("واصابه" → "و", "اصابه") and duals expanded."""
    out: list[str] = []
    for tok in tokenize(sentence):
        if len(tok) > 3 and tok[0] in "وفبل" and (tok[1:] in _AR_CLITIC_SPLIT or tok[1:] in DUALS
                                                   or tok[1:] in ARABIC_NUMBER_WORDS):
            out.append(tok[0])
            tok = tok[1:]
        if tok in DUALS:
            out.extend(("2", DUALS[tok]))
        else:
            out.append(tok)
    return out


def _spans(toks: list[str], lang: str) -> list[tuple[int, int, object]]:
    """(start, end, value) of every count in the tokens; ranges keep their lower bound."""
    spans: list[tuple[int, int, object]] = []
    i = 0
    while i < len(toks):
        tok, prev = toks[i], toks[i - 1] if i else ""
        read = None
        if tok in _PERSON and prev in ("a", "an", "the", "un", "une", "le", "la", "l"):
            read = (1, i + 1)
            i -= 1
        elif tok in _AR_PERSON and prev in _PRE:
            read = (1, i + 1)
        elif (tok in _ONE or (tok in _ORDINALS and prev in ("a", "an"))) and not (i + 1 < len(toks) and toks[i + 1][:1].isdigit()):
            read = (1, i + 1)
        elif tok in NUMBER_STARTS or tok[:1].isdigit():
            read = read_number(toks, i, lang)
        if read is None or read[1] <= i:
            i += 1
            continue
        value, end = read
        if isinstance(value, int) and (value > 20000 or (tok.isdigit() and 1900 <= value <= 2100)):
            value = None
        if end < len(toks) and toks[end] in _UNITS or prev in ("aged", "age", "agee", "عمر", "#", "no"):
            value = None
        if end + 1 < len(toks) and toks[end] in _RANGE_AFTER and (toks[end + 1][:1].isdigit()
                                                                  and (prev in _RANGE_BEFORE or toks[end] not in _LIST)):
            upper = read_number(toks, end + 1, lang)
            end = upper[1] if upper else end
        if value is not None:
            spans.append((i, end, value))
        i = max(end, i + 1)
    return spans


def _forward(toks: list[str], spans: list, k: int) -> str | None:
    """Casualty word after span k ("were killed"), following lists ("two soldiers and three civilians")."""
    j, limit = spans[k][1], spans[k][1] + 7
    next_start = spans[k + 1][0] if k + 1 < len(spans) else len(toks)
    while j < min(limit, len(toks)):
        tok = toks[j]
        if j == next_start:
            return None
        if tok in _POST:
            nxt = toks[j + 1] if j + 1 < len(toks) else ""
            if tok in _AMBIGUOUS and (nxt[:1].isdigit() or nxt in _DETERMINERS or read_number(toks, j + 1, "en")):
                return None
            return _POST[tok]
        if tok in _LIST and k + 1 < len(spans) and next_start <= j + 2:
            return _forward(toks, spans, k + 1)
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


def _sentence_counts(sentence: str, lang: str) -> dict[str, int]:
    """Summed killed/wounded figures stated in one sentence (kinds absent when not stated or vague only)."""
    toks = _tokens(sentence)
    spans = _spans(toks, lang)
    kinds: list[str | None] = []
    for k in range(len(spans)):
        kinds.append(_forward(toks, spans, k) or _backward(toks, spans, k, kinds))
    counts: dict[str, int] = {}
    for (_, _, value), kind in zip(spans, kinds):
        if kind and value is not VAGUE:
            counts[kind] = counts.get(kind, 0) + int(value)  # type: ignore[arg-type]
    if K in counts and any(g in sentence for g in _IN_ADDITION_GUARDS) and (m := _IN_ADDITION.search(sentence)):
        counts[K] += {"two": 2, "deux": 2, "three": 3, "trois": 3, "four": 4, "quatre": 4, "five": 5,
                      "cinq": 5, "six": 6}.get(m["n"] or "", int(m["n"]) if (m["n"] or "").isdigit() else 1)
    return counts


def find_casualties(text: str, lang: str) -> Casualties:
    """Killed and wounded in the incident ``text`` reports (language ``lang``: "ar", "en" or "fr")."""
    norm = normalise(text)
    totals: dict[str, int] = {}
    evidence: list[str] = []
    zero: set[str] = set()
    for sentence in _cue_sentences(norm, lang):
        if any(g in sentence for g in _ZERO_GUARDS):
            zero.update(_zero_statements(sentence))
        if any(g in sentence for g in _BACKGROUND_GUARDS) and _BACKGROUND.search(sentence):
            continue
        counts = _sentence_counts(sentence, lang)
        if not counts:
            continue
        evidence.append(sentence)
        additive = any(word in sentence for word in _ADDITIVE_WORDS)
        for kind, value in counts.items():
            totals[kind] = totals.get(kind, 0) + value if additive else max(totals.get(kind, 0), value)
    killed, wounded = totals.get(K), totals.get(W)
    if killed is None and ("both" in zero or K in zero or (W in zero and wounded is None)):
        killed = 0
    if wounded is None and ("both" in zero or W in zero):
        wounded = 0
    return Casualties(killed, wounded, tuple(evidence))


def _cue_sentences(norm: str, lang: str) -> list[str]:
    """Distinct sentences holding a casualty word, in text order (a restated sentence counts once)."""
    positions = sorted(pos for stem in _CUE_STEMS.get(lang, _CUE_STEMS["other"]) for pos in _all(norm, stem))
    sentences: list[str] = []
    end = -1
    for pos in positions:
        if pos < end:
            continue
        start = max(norm.rfind(c, 0, pos) for c in _SENTENCE_CHARS) + 1
        ends = [e for e in (norm.find(c, pos) for c in _SENTENCE_CHARS) if e != -1]
        end = min(ends) + 1 if ends else len(norm)
        sentence = norm[start:end].strip()
        if sentence not in sentences:
            sentences.append(sentence)
    return sentences


def _all(norm: str, stem: str):
    i = norm.find(stem)
    while i != -1:
        yield i
        i = norm.find(stem, i + 1)


def _zero_statements(sentence: str) -> set[str]:
    """Which figures a sentence says are zero: {"both"}, {"killed"}, {"wounded"} or none."""
    found = set()
    if _NONE_BOTH.search(sentence):
        found.add("both")
    if _NONE_WOUNDED.search(sentence):
        found.add(W)
    if _NONE_KILLED.search(sentence):
        found.add(K)
    return found
