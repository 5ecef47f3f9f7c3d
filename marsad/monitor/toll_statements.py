"""Tolls a news report tells without a count: the few statements that fix killed/wounded by themselves.

Why a module of its own: :mod:`marsad.monitor.casualties` reads counted figures ("three soldiers were
killed"); these readers answer the cases where no figure is given but the outcome is still stated —

* a carried-out assassination or a death told in the singular ("assassinated the mayor", "اغتيال رئيس البلدية",
  "لقي حتفه", "a été abattu"): one killed;
* victims named without a count (English: "shot and killed Ahmad Khan, a teacher"): one each;
* the attacker as the only dead ("the bomber was the only casualty", "blew himself up" with no other toll):
  one killed (GTD counts attackers among the dead);
* a device defused, hostages freed unharmed, or only material damage ("damaging the facade", "des dégâts
  matériels", "أضرار مادية") in a report that names no casualty at all: nobody killed or wounded, which is
  what GTD codes; a report with none of these and no toll keeps ``None`` ("not stated yet");
* the GTD codebook's rule for ``nkill``/``nwound``: the field is blank only where there is evidence of deaths
  (injuries) but no usable figure; a source with no such evidence is coded 0. So a report that tells what
  befell its victims — injuries ("was shot in the leg", "des dizaines de blessés", "أصيب"), an abduction, a
  failed attempt ("attempted to", "a tenté de", "حاول"), one stopped by an arrest ("arrested a suicide bomber",
  "interpellé un kamikaze", "القبض على انتحاري"), a target unharmed ("indemne", "نجا") — and has no death
  word in its lead is 0 killed (:func:`no_death_told`, :func:`fate_told`); one that tells deaths or any of
  those fates and no injury word is 0 wounded (:func:`no_injury_told`; both at once: :func:`fate_zeros`).
  A bare flash ("a bomb exploded near the ministry") tells no fate and keeps ``None``.

The readers take the normalised lead (:func:`marsad.monitor.numbers.normalise`) and check literal guards
before their pattern; the guards of every reader are found in one pass over the lead (:data:`lead_literals`),
so a report without such words costs that pass and a few set look-ups; the codebook-rule readers run only for
a kind the report gave no figure for.
"""

from __future__ import annotations

import re
from operator import itemgetter

import ahocorasick

from marsad.monitor.numbers import NUMBER_STARTS, by_script, has_latin, normalise

__all__ = ["CUE_STEMS", "Literals", "SELF_BLAST", "ZERO_LITERALS", "lead_literals", "assassination", "attacker_only", "damage", "fate_told", "fate_zeros",
           "named_victims", "no_death_told", "no_harm", "no_injury_told", "single_victim", "zero_statements"]

_SENTENCE_CHARS = ".!?\n"


def _ar(words: str) -> str:
    """Arabic stems as :func:`marsad.monitor.numbers.normalise` leaves them, joined as alternatives matched
    inside words (clitics and suffixes vary: "ومقتل", "قتلاهم")."""
    return "|".join(normalise(words).split())


def _guarded(*parts: tuple[tuple[str, ...], str]) -> tuple[tuple[tuple[str, ...], re.Pattern], ...]:
    """(guard literals, compiled pattern) pairs: a pattern whose alternatives start with no literal (``\\b``,
    a look-behind) is scanned by the regex engine at every position of the lead, so each is split into parts
    tried only where one of its literals occurs (every match of a part holds one of its literals)."""
    return tuple((guards, re.compile(pattern)) for guards, pattern in parts)


def _found(parts: tuple[tuple[tuple[str, ...], re.Pattern], ...], lead: str) -> bool:
    """Whether one of the guarded ``parts`` matches somewhere in ``lead`` (the alternatives of one pattern)."""
    present = lead_literals(lead)
    return any(not present.isdisjoint(guards) and pattern.search(lead) is not None for guards, pattern in parts)


# stems of casualty words (:func:`marsad.monitor.casualties.find_casualties` finds the sentences holding them)
CUE_STEMS = {
    "en": tuple("kill dead died dies death fatalit slain perish lives wound injur hurt casualt toll execut behead "
                "assassin".split()),
    "fr": ("tue ", "tue,", "tue.", "mort.", "tues", "tuee", "tuant", "mort ", "morts", "mort,", "deces", "victime", "bless",
           "bilan", "peri", "la vie", "assassin", "abatt"),
    "ar": tuple(normalise("قتل قتيل شهيد شهدا استشهاد حتف مصرع وفا ضحايا حصيلة حياة جرح جريح اصاب اصيب مصاب "
                          "خسائر اغتي اغتال").split()),
}
CUE_STEMS["other"] = CUE_STEMS["en"] + CUE_STEMS["fr"] + CUE_STEMS["ar"]


class Literals:
    """Which of many literals occur in a text, found in one pass of an Aho–Corasick automaton (C), for the
    last text asked about. The readers of a report's lead check some two hundred literal guards before their
    patterns; one ``str.find`` over a 1,200-character lead costs about a microsecond, the whole pass about
    as much as fifteen of them. Only the literals given at start are known (:func:`lead_literals` lists them).

    A literal occurs only in a text holding each of its characters: an ASCII text (``str.isascii`` is a
    flag, free) is walked by an automaton of the ASCII literals only, a text without Latin letters by one of
    the literals without any. Fewer literals, fewer children to try at each character: a 950-character
    English lead 15.0 -> 12.9 us, an Arabic one 3.5 -> 2.1 us."""

    def __init__(self, literals) -> None:
        self.literals = frozenset(literals)
        self.automaton = _automaton(self.literals)
        self.ascii = _automaton(literal for literal in self.literals if literal.isascii())
        self.unlatin = _automaton(literal for literal in self.literals if not has_latin(literal))
        self.last: tuple[str, frozenset[str]] = ("", frozenset())

    def __call__(self, text: str) -> frozenset[str]:
        last = self.last  # one read: another thread may replace it, never half
        if text is last[0] or text == last[0]:
            return last[1]
        automaton = self.ascii if text.isascii() else self.automaton if has_latin(text) else self.unlatin
        found = frozenset(map(itemgetter(1), automaton.iter(text))) if automaton is not None else frozenset()
        self.last = (text, found)
        return found


def _automaton(literals) -> ahocorasick.Automaton | None:
    """An automaton finding ``literals`` (each reported as itself), None when there are none."""
    automaton = ahocorasick.Automaton()
    for literal in literals:
        automaton.add_word(literal, literal)
    if not len(automaton):
        return None
    automaton.make_automaton()
    return automaton


SELF_BLAST = re.compile(r"\bblew (?:himself|herself) up|\bdetonated (?:himself|herself)|s est fait exploser|"
                        r"(?<!\w)[وف]?(?:فجر|فجرت) (?:\w+ ){0,2}?(?:نفسه|نفسها)(?!\w)")
# "the bomber was the only casualty", "no casualties other than the assailant": one dead, the attacker
_ONLY_ATTACKER = re.compile(
    r"\b(?:bomber|assailant|attacker|perpetrator|kamikaze|assaillant) (?:was|etait|a ete) (?:the|le|la) "
    r"(?:only|seule?) "
    r"(?:reported )?(?:casualty|fatality|victime|mort|person killed)|"
    r"\bno (?:reported )?(?:casualties|deaths|fatalities) other than (?:the|that of the) "
    r"(?:bomber|assailant|attacker|perpetrator)\b")

# the verbs of a carried-out assassination (the nouns "assassination", "assassinat" are mostly background:
# "an assassination cell", "responsible for the assassination of"); Arabic news tells it with the noun too
# one victim told in the singular: "لقي حتفه/مصرعه" (he met his death), "a été tué/abattu" (was killed)
# (guard literals, pattern): a pattern is tried only where one of its literals occurs (every match holds one); a
# pattern with no literal prefix is scanned position by position, so a lead pays only for the scripts it holds
_DEATH_ONE = _guarded(
    (("assassin",), r"\bassassinated\b|\bassassine(?:e|s|es)?\b"),
    (("اغتي", "اغتال"), r"(?<!\w)(?:[وف]?(?:ب|ل)?(?:ال)?)?(?:اغتيال|اغتال|اغتالت|اغتيل|اغتيلت|يغتال|تغتال)(?!\w)"),
    (("حتف", "مصرع"), r"(?<!\w)لقي(?:ت)? (?:\w+ ){0,3}?(?:حتفه|حتفها|مصرعه|مصرعها)(?!\w)"),  # "لقي حتفه"
    (("a ete",), r"\ba ete (?:tue|tuee|abattu|abattue|assassine|assassinee)\b"))
_ASSASSINATION_GUARDS = tuple(guard for guards, _ in _DEATH_ONE for guard in guards)  # any part may match
_FAILED_ASSASSINATION = re.compile(  # attempts, plots, and background (cells, suspects, responsibility)
    r"attempt|survived|escaped|foiled|plot|plann|cell|responsible for|involved in|accused of|suspected of|"
    r"wanted for|linked to|tentative|rescape|dejoue|projet|planifi|cellule|responsable d|soupconne|accuse|"
    r"محاول|نجا|نجاه|احباط|مخطط|خطط|تخطيط|خليه|مسؤول عن|متهم|المتهم|مطلوب")


# a device found and made safe, hostages freed unharmed: when the report states no toll at all, nobody died
_NO_HARM = _guarded(
    (("defused", "dismantled", "deactivated", "disarmed", "unharmed", "unhurt", "released", "foiled", "thwarted"),
     r"\b(?:defused|dismantled|deactivated|disarmed|unharmed|unhurt|safely released|foiled|thwarted)\b"),
    (("released", "freed", "rescued"), r"\b(?:was|were) (?:later |eventually |subsequently )?(?:released|freed|rescued)\b"),
    (("dejoue",), r"\bdejoue\w*"),
    (("libere", "relache"), r"\b(?:a|ont) ete (?:liberee?s?|relachee?s?)\b"),
    (("احبط", "احباط", "افرج", "الافراج"), r"(?<!\w)(?:احبط\w*|احباط|افرج\w*|الافراج)(?!\w)"),
    (("desamorc", "et sauf", "indemne"), r"\bdesamorce\w*|\bsains? et saufs?\b|\bindemnes?\b"),
    (("تفكيك", "ابطال", "فكك", "ابطل"), r"(?<!\w)(?:[وف]?(?:ب|ل)?(?:ال)?)(?:تفكيك|ابطال|فكك\w*|ابطل\w*)(?!\w)"),
    (("سالمين",), r"(?<!\w)سالمين(?!\w)"))
# damage told as the outcome ("damaging the building", "des dégâts matériels", "أضرار مادية") in a report that
# names no casualty at all: the report says what the attack did, and it killed nobody
_DAMAGE = _guarded(
    (("damag", "destroy", "set fire", "on fire", "ablaze", "torched", "burn"),
     r"\b(?:damag\w*|destroy\w*|set (?:on )?fire|set \w+ ablaze|torched|burn(?:ed|t) down)\b"),
    (("degat", "dommage", "endommag", "detrui"), r"\bdegats\b|\bdommages?\b|\bendommag\w*|\bdetrui\w*"),
    (("اضرار", "خساير", "تدمير", "دمار", "احراق", "اضرام"),
     r"(?<!\w)(?:[وف]?(?:ب|ل)?(?:ال)?)(?:اضرار|خساير ماديه|تدمير|دمار|احراق|اضرام)(?!\w)"))
_EXPLODED = _guarded(
    (("explo", "blast", "detonated"), r"\bexplod|\bblast|\bexplos(?!if|ive)|\bdetonated\b(?! (?:it|them|the device)\b)"),
    (("انفجر", "انفجار"), r"انفجر|انفجار"))


def no_harm(lead: str) -> bool:
    """Whether a report that counts nobody says the device was defused or the victims were unharmed (and no
    device exploded), which GTD codes 0 killed and 0 wounded."""
    return _found(_NO_HARM, lead) and not _found(_EXPLODED, lead)


_ONLY_GUARDS = ("only casualty", "only reported casualty", "only fatality", "only person killed", "other than the",
                "other than that", "seule victime", "seul mort")
_SELF_GUARDS = ("blew himself", "blew herself", "detonated himself", "detonated herself", "fait exploser", "فجر")


def attacker_only(lead: str) -> bool:
    """Whether the lead tells one dead attacker and no other toll: "the bomber was the only casualty", "blew
    himself up" (GTD counts the bomber). Literal guards first: the patterns run on few reports."""
    present = lead_literals(lead)
    return (not present.isdisjoint(_ONLY_GUARDS) and _ONLY_ATTACKER.search(lead) is not None
            or not present.isdisjoint(_SELF_GUARDS) and SELF_BLAST.search(lead) is not None)


def damage(lead: str) -> bool:
    """Whether the lead tells material damage ("damaging the building", "des dégâts", "أضرار مادية")."""
    return _found(_DAMAGE, lead)


# one victim told in the singular after an active verb, whoever it is ("gunmen shot and killed a former district
# commander", "ont abattu un policier", "قتل مسلحون شرطياً" — the Arabic indefinite object ends in alif —,
# "سقط قتيلاً"): the noun need not be a known person word
_SINGLE_VICTIM = {
    "latin": re.compile(r"\b(?:killed|shot dead|beheaded|executed|a tue|ont tue|a abattu|ont abattu|a egorge|"
                        r"ont egorge) (?:a|an|un|une) (?!number|total|group|dozen|few|couple|series|nombre|dizaine)"),
    "ar": re.compile("(?<!\\w)[وف]?(?:" + _ar("قتل قتلوا قتلت أعدم أعدموا ذبح ذبحوا اغتال اغتالوا أردى أردوا أردت")
                     + ")(?: \\w+){0,3}? (?:" + _ar("شرطيا جنديا ضابطا مدنيا طفلا رجلا قائدا مواطنا شخصا موظفا "
                                                   "عنصرا صحفيا معلما امرأة") + ")(?!\\w)|"
                     + "(?<!\\w)[وف]?(?:" + _ar("سقط أرداه أردوه أردته") + ")(?: \\w+){0,3}? قتيلا(?!\\w)"),
}
_SINGLE_GUARDS = {"latin": ("killed a", "dead a", "beheaded a", "executed a", "tue un", "abattu un", "egorge un"),
                  "ar": tuple(normalise("قتل أعدم ذبح اغتال أردى أردو أردت سقط").split())}


def single_victim(lead: str) -> bool:
    """Whether the lead tells one victim killed, in the singular, after an active verb (ar, en, fr)."""
    present = lead_literals(lead)
    for script, guards in _SINGLE_GUARDS.items():
        if not present.isdisjoint(guards) and _SINGLE_VICTIM[script].search(lead) is not None:
            return True
    return False


def assassination(lead: str) -> bool:
    """Whether the lead reports one victim killed without counting: a carried-out assassination, or a death
    told in the singular ("لقي حتفه", "a été abattu"), in a sentence with no attempt, plot or survival word."""
    present = lead_literals(lead)
    if present.isdisjoint(_ASSASSINATION_GUARDS):
        return False
    for match in (m for guards, pattern in _DEATH_ONE if not present.isdisjoint(guards)
                  for m in pattern.finditer(lead)):
        start = max((lead.rfind(c, 0, match.start()) for c in _SENTENCE_CHARS), default=-1) + 1
        ends = [e for e in (lead.find(c, match.end()) for c in _SENTENCE_CHARS) if e != -1]
        if not _FAILED_ASSASSINATION.search(lead, start, min(ends) if ends else len(lead)):
            return True
    return False


# any word telling a death — counted or not, of victims or attackers ("casualties" and "toll" count: a report
# that fears casualties has not said there were none)
_DEATH = {
    "en": r"\b(?:kill|dead\b|died\b|dies\b|die\b|death|fatal|slain|perish|lost (?:his|her|their) li|executed|"
          r"execution|behead|decapitat|assassin|bod(?:y|ies)\b|corpses?\b|massacre|murder|gunned down|throats?\b|"
          r"strangl|buried alive|lifeless|lynch|casualt|toll\b|martyr)",
    "fr": r"\b(?:tue|tues|tuee|tuees|tuant|tuer|tuerie|morte?s?\b|deces|decede|peri\b|perissent|assassin|abattu|"
          r"cadavre|corps\b|egorg|decapit|executee?s?\b|execution|massacr|meurtr|sans vie|victime|bilan|martyr)",
    "ar": _ar("قتل قتيل مصرع حتف استشهد استشهاد شهيد شهداء جثة جثث ذبح نحر إعدام أعدم وفاة توفي مجزرة ضحايا "
              "ضحية اغتي اغتال"),
}
# any word telling an injury (or a shooting or beating that did not kill: "was shot in both knees")
_INJURY = {
    "en": r"\b(?:wound|injur|hurt\b|maim|hospital|stabb|shot\b|beaten|beat\b|assaulted|tortur|burns\b|casualt|"
          r"sick\b|bruis)",
    "fr": r"\b(?:bless|hospitalis|poignard|roue de coups|tabass|tortur|victime|atteinte? par balle)",
    "ar": _ar("جرح جريح أصاب أصيب مصاب إصابة مستشفى طعن تعذيب ضحايا ضحية"),
}
# a fate that is not death: an abduction, an attempt that failed
_NOT_DEATH = {
    "en": r"\b(?:kidnap|abduct|hostage|taken captive|intercept|not (?:harmed|hurt|injured|wounded)|unharmed|unhurt|"
          r"failed to (?:detonate|explode)|(?:attempted|attempting|tried|trying) to|failed attempt)",
    "fr": r"\b(?:enlev|kidnapp|otage|rapt\b|sequestr|intercept|pas explose|indemne|sain et sauf|tente de|"
          r"tentative)",
    "ar": _ar("خطف اختطف مختطف رهائن رهينة محاولة حاول") + r"|لم (?:ي|ت)نفجر|لم يصب|(?<![^\sوف])نجا(?:ه)?(?!\w)",
}
# an attempt stopped by an arrest ("arrested while trying to plant a bomb", "arrested a suicide bomber", "arrested
# carrying a device"; an arrest alone is the perpetrators' fate, not the victims'): matched only where an arrest
# word starts (they are common in security news)
_ARRESTS = {"en": ("arrest", "apprehend", "detain", "captur"), "fr": ("interpell", "arret"),
            "ar": tuple(_ar("القبض اعتقال اعتقل توقيف أوقف").split("|"))}
_STOPPED = {lang: re.compile(r"\w*+(?: \w++){0,8}? (?:" + words + ")")
            for lang, words in (("en", r"attempting|trying|attempted|tried|before\b|planting|carrying|equipped|wearing"
                                       r"|(?:suicide )?bombers?\b"),
                                ("fr", "alors qu|avant|en train de|tentai|s appret|portant|porteur|kamikaze"),
                                ("ar", r"(?:قبل|اثناء|وهو|وهم|انتحاري|بحوزته|يحمل|يرتدي)(?!\w)"))}


def _stopped(lead: str, lang: str) -> bool:
    """Whether an arrest word of ``lang`` (all three for another language) is followed within eight words by
    an attempt or "before"."""
    for code in (lang,) if lang in _ARRESTS else tuple(_ARRESTS):
        pattern, present = _STOPPED[code], lead_literals(lead)
        for word in _ARRESTS[code]:
            if word not in present:
                continue
            i = lead.find(word)
            while i != -1:
                if pattern.match(lead, i + len(word)):
                    return True
                i = lead.find(word, i + 1)
    return False


# literals that every alternative of the patterns above starts with (see _has)
_GUARDS = {
    "death": {"en": "kill dead die death fatal slain perish lost execut behead decapitat assassin bod corpse massacre "
                    "murder gunned throat strangl buried lifeless lynch casualt toll martyr",
              "fr": "tue tuant tuer mort deces decede peri assassin abattu cadavre corps egorg decapit execut massacr "
                    "meurtr sans victime bilan martyr"},
    "injury": {"en": "wound injur hurt maim hospital stabb shot beat assaulted tortur burns casualt sick bruis",
               "fr": "bless hospitalis poignard roue tabass tortur victime atteint"},
    "fate": {"en": "kidnap abduct hostage taken intercept not unharmed unhurt failed attempt tried trying",
             "fr": "enlev kidnapp otage rapt sequestr intercept pas indemne sain tente tentative"},
}
_AR_GUARDS = {"death": _DEATH["ar"], "injury": _INJURY["ar"],
              "fate": _ar("خطف اختطف مختطف رهائن رهينة محاولة حاول") + "|لم ي|لم ت|نجا"}


def _union(kind: str, table: dict[str, str]) -> dict[str, tuple[tuple[str, ...], re.Pattern]]:
    """lang → (guard literals, pattern); "other" reads all three languages."""
    guards = {**{lang: tuple(words.split()) for lang, words in _GUARDS[kind].items()},
              "ar": tuple(_AR_GUARDS[kind].split("|"))}
    out = {lang: (guards[lang], re.compile(p)) for lang, p in table.items()}
    every = tuple(dict.fromkeys(g for lang in table for g in guards[lang]))
    out["other"] = (every, re.compile("|".join(table.values())))
    return out


_DEATH_RE, _INJURY_RE = _union("death", _DEATH), _union("injury", _INJURY)
_NOT_DEATH_RE = _union("fate", _NOT_DEATH)
#: every literal the readers of a lead look for through :func:`lead_literals` (and only those)
lead_literals = Literals(
    [*CUE_STEMS["other"], *_ONLY_GUARDS, *_SELF_GUARDS, *_ASSASSINATION_GUARDS,
     *(g for guards in _SINGLE_GUARDS.values() for g in guards), *(g for words in _ARRESTS.values() for g in words),
     *(g for parts in (_NO_HARM, _DAMAGE, _EXPLODED, _DEATH_ONE) for guards, _ in parts for g in guards),
     *(g for table in (_DEATH_RE, _INJURY_RE, _NOT_DEATH_RE) for guards, _ in table.values() for g in guards)])


def _has(table: dict[str, tuple[tuple[str, ...], re.Pattern]], norm: str, lang: str) -> bool:
    """Whether the pattern matches somewhere: tried only where one of its guard literals occurs (every
    alternative starts with one), so a text without them costs a few substring searches and one with them a
    few anchored matches, never a scan of the whole text by the regular-expression engine."""
    guards, pattern = table.get(lang, table["other"])
    match, find, present = pattern.match, norm.find, lead_literals(norm)
    for guard in guards:
        if guard not in present:
            continue
        i = find(guard)
        while i != -1:
            if match(norm, i):
                return True
            i = find(guard, i + 1)
    return False


def no_death_told(norm: str, lang: str) -> bool:
    """Whether the normalised report has no word of death at all (language "ar", "en", "fr"; else all three)."""
    return not _has(_DEATH_RE, norm, lang)


def no_injury_told(norm: str, lang: str) -> bool:
    """Whether the normalised report has no word of injury at all."""
    return not _has(_INJURY_RE, norm, lang)


def fate_told(norm: str, lang: str, injuries: bool) -> bool:
    """Whether the report tells what befell its victims other than death: an abduction, a failed or stopped
    attempt (or a device defused, hostages freed unharmed: :func:`no_harm`), or (``injuries``) injuries."""
    return (injuries and _has(_INJURY_RE, norm, lang) or _has(_NOT_DEATH_RE, norm, lang) or _stopped(norm, lang)
            or no_harm(norm))


def fate_zeros(lead: str, lang: str, killed: bool, wounded: bool) -> tuple[bool, bool]:
    """(killed is 0, wounded is 0) by the codebook rule above, for the kinds asked (``killed``, ``wounded``:
    the kinds the report gave no figure for), read in the normalised lead. Each pattern runs at most once and
    only while it can still change the answer: a death word rules out 0 killed before any fate is looked for,
    and the injury words are read only when they decide (security news often tells no fate at all)."""
    killed = killed and not _has(_DEATH_RE, lead, lang)
    if not (killed or wounded):
        return False, False
    other = _has(_NOT_DEATH_RE, lead, lang) or _stopped(lead, lang) or no_harm(lead)
    if other:
        injury = wounded and _has(_INJURY_RE, lead, lang)
        return killed, wounded and not injury
    return killed and _has(_INJURY_RE, lead, lang), False


_NAME = r"(?P<name>[A-Z][\w'\-]+(?: (?:[A-Z][\w'\-]+|al|bin|ben|el|de))*)"
_NAMED_VERBS = {"killed": ("killed", "beheaded", "assassinated", "executed", "shot dead"),
                "wounded": ("wounded", "injured")}
_NAMED_AFTER = re.compile(rf" {_NAME},\s+(?:a|an|the)\s")  # killed Ahmad Khan, a teacher
# killed (tribal elder) Haji Ahmad Khan in…: a name of two words or more, after at most three role words
_NAMED_ROLE_AFTER = re.compile(
    r" (?P<role>(?:(?!(?:in|at|on|near|by|during|and|while|after|when|from|with|of|the|a|an)\b)[a-z][a-z\-]* ){0,3})"
    r"(?P<name>[A-Z][\w'\-]+(?: (?:[A-Z][\w'\-]+|al|bin|ben|el|de))+)\b")
_NAMED_BEFORE = re.compile(  # Ahmad Khan, a teacher, was (shot and) killed
    rf"{_NAME}(?:, [^,.]{{1,80}},)? (?:was|were) (?:shot and |fatally |also |seriously |critically )?$")
_NOT_NAMES = {"The", "A", "An", "One", "He", "She", "It", "They", "This", "That", "His", "Her", "No", "All",
              "Both", "Two", "Three", "Four", "Five", "In", "On", "At", "Police", "Security", "Officials"}


def named_victims(text: str, kind: str) -> int:
    """English fallback for a kind ("killed" or "wounded") no count was found for: the number of distinct
    people named as its victims — "shot and killed Ahmad Khan, a teacher" and "Khan, a teacher, was killed"
    name one each (names are capitalised in the original ``text``, so this reads the raw text)."""
    names = set()
    for verb in _NAMED_VERBS[kind]:
        i = text.find(verb)
        while i != -1:
            if m := _NAMED_AFTER.match(text, i + len(verb)):
                names.add(m["name"])
            elif (m := _NAMED_ROLE_AFTER.match(text, i + len(verb))) and not any(
                    word in NUMBER_STARTS for word in m["role"].split()):
                names.add(m["name"])
            if m := _NAMED_BEFORE.search(text, max(0, i - 140), i):
                names.add(m["name"])
            i = text.find(verb, i + 1)
    return len({n for n in names if n.split()[0] not in _NOT_NAMES and n.split()[0].lower() not in NUMBER_STARTS})


# "no casualties" statements: (literal that must occur, pattern starting with it) — each pattern has a literal
# prefix, which the regex engine searches fast, and runs only when its literal is in the sentence.
_ZERO_PATTERNS = {
    "both": [
        ("no ", r"\bno (?:reported |other |immediate |further )?(?:casualties|victims|one was (?:hurt|harmed)|one hurt)"),
        ("without", r"\bwithout (?:causing )?(?:any )?casualties"),
        ("no report", r"\bno reports? of (?:any )?casualties"),  # "there were no reports of casualties"
        ("not ", r"\b(?:did not|failed to) (?:result in|cause|lead to) (?:any )?casualties"),
        ("fait", r"\b(?:n a|n ont|sans) (?:pas )?(?:fait|faire) (?:aucune |de )?victimes?"),
        ("nobody", r"\bnobody was (?:hurt|harmed)"),
        ("victime", r"(?:aucune|pas de|sans faire de|sans faire|ni) victimes?"),
        ("ni mort", r"ni morts? ni bless"),
        ("لم ", r"لم (?:ي|ت)(?:سفر|ود|وقع|خلف)[^.]{0,24}(?:اصابات|ضحايا|خساير بشريه)"),
        ("دون", r"دون (?:وقوع )?(?:اي )?(?:اصابات|ضحايا|خساير)"),
        ("لم يصب", r"لم يصب احد"),
        ("عدم وقوع", r"عدم وقوع (?:اي )?(?:اصابات|ضحايا)"),
    ],
    "wounded": [
        ("no ", r"\bno (?:reported )?injuries|\bno one (?:was )?(?:injured|wounded)"),
        ("nobody", r"\bnobody was (?:injured|wounded)"),
        ("bless", r"(?:aucun|pas de|sans faire de) bless"),
    ],
    "killed": [
        ("no ", r"\bno (?:reported )?(?:deaths|fatalities)|\bno one (?:was )?killed"),
        ("aucun mort", r"aucun mort"),
        ("لم ", r"لم (?:ي|ت)(?:سفر|ود)[^.]{0,12}(?:قتلي|وفيات)"),
    ],
}
_ZERO = {kind: [(literal, re.compile(pattern)) for literal, pattern in pairs]
         for kind, pairs in _ZERO_PATTERNS.items()}
_ZERO_GUARDS = by_script(("no ", "nobody", "without", "not ", "aucun", "pas de", "sans ", "ni ", "fait", "لم ", "دون",
                          "عدم"))


#: the literals :func:`zero_statements` looks for (a caller's :class:`Literals` of the sentence must know them)
ZERO_LITERALS = frozenset((*_ZERO_GUARDS[True], *(literal for pairs in _ZERO.values() for literal, _ in pairs)))


def zero_statements(sentence: str, latin: bool = True, present: frozenset[str] | None = None) -> set[str]:
    """Which figures a normalised sentence says are zero ("no casualties", "aucun mort", "لم يسفر عن إصابات"):
    {"both"}, {"killed"}, {"wounded"} or none. ``latin=False`` says the sentence holds no Latin letter;
    ``present``: which of (at least) :data:`ZERO_LITERALS` the sentence holds, when the caller knows."""
    has = sentence.__contains__ if present is None else present.__contains__
    if not any(map(has, _ZERO_GUARDS[latin])):
        return set()
    return {kind for kind, pairs in _ZERO.items()
            if any(has(literal) and pattern.search(sentence) for literal, pattern in pairs)}
