"""The date of the incident a news report describes (Arabic, English, French).

Why it exists: GTD-style records need the day the incident happened, not the day the report was published,
and reports give it many ways: absolute dates in three languages and several Arabic month-name traditions
(Egyptian/Gulf "مايو", Levantine/Iraqi "أيار", Maghrebi "جوان", Moroccan "يوليوز"), Hijri dates, dates
without a year, and words relative to publication ("yesterday", "الخميس الماضي", "mercredi dernier",
"il y a deux jours"). A general parser such as ``dateparser`` is too slow to run on every report (about
1,700 strings/s) and misses half of these forms, so the readers here are precompiled regular expressions
over :func:`marsad.monitor.numbers.normalise`-d text.

Choosing among several dates: the first 1,000 characters (the lead) are searched first, the rest only
when the lead holds no date; each candidate is scored — in a sentence with an incident word (+4), in the
lead (+2 first sentence, +1 second), day precision (+1), a written-out date (+1), the publication day itself
(−1; −3 for a dateline date), background cues such as "since"/"منذ" (−3) — and candidates after
``published`` are dropped. The best score wins; ties go to the earliest in the text.
A GTD summary's leading "MM/DD/YYYY:" is taken as is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import repeat

from hijridate import Hijri

from marsad.monitor.numbers import normalise, parse_number
from marsad.monitor.toll_statements import Literals

__all__ = ["DateResult", "find_incident_date"]


@dataclass(frozen=True)
class DateResult:
    """An incident date with its precision ("day", "month", "year") and the normalised text it came from."""

    date: date | None
    precision: str | None
    evidence: str


_MONTHS_RAW = {
    # English
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
    # French (normalised: no accents)
    "janvier": 1, "janv": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "avril": 4, "avr": 4, "mai": 5,
    "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
    "decembre": 12,
    # Arabic: Egyptian/Gulf, Levantine/Iraqi, Maghrebi (Algeria/Tunisia), Moroccan
    "يناير": 1, "فبراير": 2, "مارس": 3, "أبريل": 4, "إبريل": 4, "ابريل": 4, "مايو": 5, "يونيو": 6,
    "يونيه": 6, "يوليو": 7, "يوليه": 7, "أغسطس": 8, "سبتمبر": 9, "أكتوبر": 10, "نوفمبر": 11, "ديسمبر": 12,
    "كانون الثاني": 1, "شباط": 2, "آذار": 3, "نيسان": 4, "أيار": 5, "حزيران": 6, "تموز": 7, "آب": 8,
    "أيلول": 9, "تشرين الأول": 10, "تشرين الثاني": 11, "كانون الأول": 12,
    "جانفي": 1, "فيفري": 2, "أفريل": 4, "ماي": 5, "جوان": 6, "جويلية": 7, "أوت": 8,
    "يوليوز": 7, "غشت": 8, "شتنبر": 9, "نونبر": 11, "دجنبر": 12,
}
_HIJRI_RAW = {
    "محرم": 1, "صفر": 2, "ربيع الأول": 3, "ربيع الثاني": 4, "ربيع الآخر": 4, "جمادى الأولى": 5,
    "جمادى الأول": 5, "جمادى الآخرة": 6, "جمادى الثانية": 6, "جمادى الآخر": 6, "رجب": 7, "شعبان": 8,
    "رمضان": 9, "شوال": 10, "ذو القعدة": 11, "ذي القعدة": 11, "ذو الحجة": 12, "ذي الحجة": 12,
}
_WEEKDAYS_RAW = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
    "lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5, "dimanche": 6,
    "الاثنين": 0, "الإثنين": 0, "الثلاثاء": 1, "الأربعاء": 2, "الخميس": 3, "الجمعة": 4, "السبت": 5, "الأحد": 6,
}
MONTHS = {normalise(k): v for k, v in _MONTHS_RAW.items()}
HIJRI_MONTHS = {normalise(k): v for k, v in _HIJRI_RAW.items()}
WEEKDAYS = {normalise(k): v for k, v in _WEEKDAYS_RAW.items()}


def _alternation(words) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


_M = f"(?:{_alternation(MONTHS)})"
_E = r"(?![\w])"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th|er|eme|e)?"
_YEAR = r"(?P<year>1[89]\d\d|20\d\d)"
_ALT_MONTH = rf"(?:\s*[/(\-]\s*{_M}\s*\)?)?"
_RANGE = r"(?:\s*(?:-|–|au|to|and|et|و|الى|حتى)\s*[0-3]?\d(?:st|nd|rd|th|er)?(?![\d/.]))?"

# All absolute patterns are tried only where a run of digits starts (found by one cheap scan), anchored
# there with ``match``: scanning a 2 KB report with a dozen alternations costs more than the time budget.
_DIGIT_RUN = re.compile(r"[0-9]+")
_DAY_FIRST = re.compile(  # 26 May 2021, 26 mai, 26 أيار/مايو 2021, 1er mars, 26th of May, 26 من شهر مايو
    rf"{_DAY}{_RANGE}\s+(?:of\s+|من\s+)?(?:شهر\s+)?(?P<month>{_M}){_E}\.?{_ALT_MONTH}"
    rf"(?:\s*,?\s*(?:من\s+)?(?:عام\s+|سنه\s+)?{_YEAR}{_E})?")
_DAY_AFTER_MONTH = re.compile(rf"{_DAY}{_E}{_RANGE}(?:\s*,?\s*{_YEAR}{_E})?")  # May 26, 2021 (month read before)
_HIJRI = re.compile(rf"(?P<day>[0-3]?\d)\s+(?:من\s+)?(?P<month>{_alternation(HIJRI_MONTHS)})\s+"
                    rf"(?:(?:عام|سنه)\s+)?(?P<year>1[34]\d\d){_E}")
_NUMERIC = re.compile(r"(?P<a>[0-3]?\d)(?P<sep>[/.\-])(?P<b>[0-3]?\d)(?P=sep)(?P<year>\d{4}|\d{2})(?![\d/\-]|\.\d)")
_ISO = re.compile(r"(?P<year>(?:19|20)\d\d)-(?P<b>[01]\d)-(?P<a>[0-3]\d)(?![\d\-])")
_YEAR4 = re.compile(r"\d{4}(?!\w)")
_YEAR_AT = re.compile(rf"{_YEAR}{_E}")
_YEAR_WORDS = {"in", "en", "عام", "سنه", "العام", "year", "annee"}
_GTD_PREFIX = re.compile(r"^\s*(?P<a>[01]?\d)/(?P<b>[0-3]?\d)/(?P<year>\d{4})\s*(?::|-|–)")
_MONTH_TAIL_WORDS = {normalise(w.split()[1]) for w in (*_MONTHS_RAW, *_HIJRI_RAW) if " " in w}

# Relative words, found with str.find (fast) and checked for word boundaries.
_RELATIVE_WORDS = {  # per language: only the report's own language is searched
    "en": {"yesterday": 1, "last night": 1, "today": 0, "tonight": 0, "this morning": 0, "this afternoon": 0,
           "this evening": 0},
    "fr": {"hier": 1, "nuit derniere": 1, "aujourd hui": 0, "ce matin": 0, "ce soir": 0, "cet apres-midi": 0,
           "cet apres midi": 0, "cette nuit": 0},
    "ar": {"امس": 1, "البارحه": 1, "اليوم": 0, "هذا الصباح": 0},
}
_RELATIVE_WORDS["other"] = {k: v for words in list(_RELATIVE_WORDS.values()) for k, v in words.items()}
_WEEKDAYS_BY_LANG = {
    "en": {k: v for k, v in WEEKDAYS.items() if k.isascii() and k.endswith("day")},
    "fr": {k: v for k, v in WEEKDAYS.items() if k.isascii() and not k.endswith("day")},
    "ar": {k: v for k, v in WEEKDAYS.items() if not k.isascii()},
    "other": WEEKDAYS,
}
_AGO_WORDS = {"en": ("ago",), "fr": ("il y a",), "ar": ("قبل",), "other": ("ago", "il y a", "قبل")}
#: per language, every word :func:`_relative` looks for, found in one pass (an absent word has no occurrence)
_RELATIVE_LITERALS = {lang: Literals((*_RELATIVE_WORDS[lang], *_AGO_WORDS[lang], *_WEEKDAYS_BY_LANG[lang]))
                      for lang in _RELATIVE_WORDS}
_TWO_DAYS_BEFORE = re.compile(r"(?:day\s+before\s+|avant[\s-]*|اول\s+)$")
_TWO_DAYS_AFTER = re.compile(r"\s+الاول(?!\w)")
_AR_PREFIXES = ("و", "ب", "ف", "ال", "بال", "وال", "وب", "فال")
_AGO_EN = re.compile(r"(?P<n>\d+|[a-z]+(?:-[a-z]+)?)\s+days?\s+$")
_AGO_FR = re.compile(r"\s+(?P<n>\d+|[a-z]+)\s+jours(?!\w)")
_AGO_AR = re.compile(r"\s+(?:(?P<n>\d+|\w+)\s+(?:ايام|يوما)|(?P<w>يومين|يوم|اسبوع))(?!\w)")
_WEEKDAY_BEFORE = re.compile(r"(?:(?P<last>last|this|past)|nuit\s+de|يوم|مساء|صباح|فجر|ليله|ظهر|عصر|ليل|ظهيره)\s+$")
_WEEKDAY_AFTER = re.compile(r"\s+(?:dernier|derniere|passe|الماضي|المنصرم|الفايت|الفائت)(?!\w)")

_INCIDENT_STEMS = {
    "en": tuple("kill attack explo bomb blast shot shoot gunm ambush wound injur kidnap abduct assault clash "
                "detonat fired storm hijack assassin raid strike struck target dead died detain captur arrest "
                "operation".split()),
    "fr": tuple("attentat attaque tue explos bless enlev kamikaze embuscade tir frappe mort assassin "
                "bombe arret interpell operation".split()),
    "ar": tuple(normalise("هجوم انفجار تفجير مقتل قتل اصاب استشهاد اغتيال اختطاف خطف عبوة مسلح كمين استهدف "
                          "قذيف قذائف صاروخ انتحاري غارة اشتباك اطلاق جرح هاجم اعتقال القبض عملية").split()),
}
_INCIDENT_STEMS["other"] = _INCIDENT_STEMS["en"] + _INCIDENT_STEMS["fr"] + _INCIDENT_STEMS["ar"]
_BACKGROUND_STEMS = ("since ", "depuis ", "anniversary", "anniversaire", "commemorat", "منذ", "ذكري")
_SENTENCE_CHARS = ".!?\n"
_DATELINE_CHARS = 300
_LEAD_CHARS = 1000  # dates are looked for in the lead first, in the rest only when the lead has none

Candidate = tuple  # (position, date, precision, evidence)


def _gregorian(year: int | None, month: int, day: int | None) -> date | None:
    if year is None:
        return None
    try:
        return date(year, month, day or 1)
    except ValueError:
        return None


def _year_for(month: int, day: int, published: date | None, fallback_year: int | None) -> int | None:
    """Year that makes month/day the closest valid date on or before ``published`` (29 February included)."""
    if published is None:
        return fallback_year
    year = published.year
    if (month, day) > (published.month, published.day):
        year -= 1
    for candidate in range(year, year - 8, -1):
        if _gregorian(candidate, month, day) is not None:
            return candidate
    return None


def _word_before(norm: str, pos: int) -> tuple[str, int]:
    """The word ending before ``pos`` (skipping spaces, '.' and ','), and where it starts."""
    j = pos - 1
    while j >= 0 and norm[j] in " .,\t":
        j -= 1
    k = j
    while k >= 0 and norm[k].isalpha():
        k -= 1
    return norm[k + 1:j + 1], k + 1


def _month_before(norm: str, pos: int, before: tuple[str, int] | None = None) -> tuple[int, int] | None:
    """(month, start) when a month name (one or two words) ends right before ``pos``; ``before``: the
    :func:`_word_before` ``pos``, when the caller has it."""
    word, start = _word_before(norm, pos) if before is None else before
    if word in _MONTH_TAIL_WORDS:
        first, first_start = _word_before(norm, start)
        if f"{first} {word}" in MONTHS:
            return MONTHS[f"{first} {word}"], first_start
    if word in MONTHS:
        return MONTHS[word], start
    return None


def _numeric_at(norm: str, s: int, lang: str) -> tuple[int, int, date | None, str, None] | None:
    """2021-05-26, 26/05/2021, 05/26/2021 (month first in English when both readings are possible)."""
    if m := _ISO.match(norm, s):
        return s, m.end(), _gregorian(int(m["year"]), int(m["b"]), int(m["a"])), "day", None
    if m := _NUMERIC.match(norm, s):
        a, b, year = int(m["a"]), int(m["b"]), int(m["year"])
        month, day = (a, b) if ((lang == "en" and a <= 12) or b > 12) else (b, a)
        return s, m.end(), _gregorian(year + (2000 if year < 100 else 0), month, day), "day", None
    return None


def _at_digits(norm: str, s: int, lang: str) -> tuple[int, int, date | None, str, tuple | None] | None:
    """The absolute date starting (or whose month name ends) at the digit run at ``s``:
    (start, end, date or None, precision, (month, day) when the year is missing)."""
    before = norm[s - 1] if s else " "
    after = norm[s + 1:s + 5]
    if before not in "-/." and ("-" in after or "/" in after or "." in after):
        if hit := _numeric_at(norm, s, lang):
            return hit
    if lang != "en" and lang != "fr" and (m := _HIJRI.match(norm, s)):
        try:
            g = Hijri(int(m["year"]), HIJRI_MONTHS[" ".join(m["month"].split())], int(m["day"])).to_gregorian()
        except (ValueError, OverflowError):
            return None
        return s, m.end(), date(g.year, g.month, g.day), "day", None
    if (m := _DAY_FIRST.match(norm, s)) and 1 <= int(m["day"]) <= 31:
        month = MONTHS[" ".join(m["month"].split())]
        return _day_month(s, m, month, int(m["day"]))
    before_word = _word_before(norm, s)  # read once for the month and the year words
    found = _month_before(norm, s, before_word)
    if found is None:
        word, start = before_word
        m = _YEAR4.match(norm, s)
        if word in _YEAR_WORDS and m and 1800 <= int(m.group(0)) <= 2099:
            return start, m.end(), _gregorian(int(m.group(0)), 1, 1), "year", None
        return None
    month, start = found
    m = _DAY_AFTER_MONTH.match(norm, s)
    if m and 1 <= int(m["day"]) <= 31 and len(m["day"]) <= 2 and not (m["year"] is None and norm[s:s + 4].isdigit()):
        return _day_month(start, m, month, int(m["day"]))
    m = _YEAR_AT.match(norm, s)
    if m:
        return start, m.end(), _gregorian(int(m["year"]), month, None), "month", None
    return None


def _day_month(start: int, m: re.Match, month: int, day: int):
    year = int(m["year"]) if m["year"] else None
    return start, m.end(), _gregorian(year, month, day), "day", None if year else (month, day)


def _absolute(norm: str, lang: str, published: date | None) -> tuple[list[Candidate], list[tuple[int, int]]]:
    """Absolute-date candidates and the spans they take (a weekday just before a date is part of it)."""
    found, taken = [], []
    end = -1
    for run in _DIGIT_RUN.finditer(norm):
        if run.start() < end or run.end() - run.start() in (3, 5, 6, 7, 8):
            continue  # a day has 1–2 digits, a year 4: "187th", "2011-03-S-058"'s "058"… start no date
        hit = _at_digits(norm, run.start(), lang)
        if hit is None:
            continue
        start, end, d, precision, no_year = hit
        word, word_start = _word_before(norm, start)
        if word in ("le", "the"):
            word, word_start = _word_before(norm, word_start)
        if word in WEEKDAYS:
            start = word_start
        taken.append((start, end))
        found.append((start, d, precision, norm[start:end], no_year))
    years = [d.year for _, d, _, _, _ in found if d is not None and (published is None or d <= published)]
    fallback_year = max(years) if years else None
    out = []
    for pos, d, precision, evidence, no_year in found:
        if d is None and no_year is not None:  # day and month without a year
            d = _gregorian(_year_for(*no_year, published, fallback_year), *no_year)
        if d is not None:
            out.append((pos, d, precision, evidence))
    return out, taken


def _occurrences(norm: str, word: str, arabic: bool):
    """Start positions of ``word`` as a whole word (Arabic: after an optional clitic such as و/ب/ال)."""
    i = norm.find(word)
    if i == -1:
        return ()
    return _occurrences_from(norm, word, arabic, i)


def _occurrences_from(norm: str, word: str, arabic: bool, i: int):
    while i != -1:
        end = i + len(word)
        if end >= len(norm) or not norm[end].isalnum():
            if i == 0 or not norm[i - 1].isalnum():
                yield i
            elif arabic:
                for prefix in _AR_PREFIXES:
                    p = i - len(prefix)
                    if p >= 0 and norm.startswith(prefix, p) and (p == 0 or not norm[p - 1].isalnum()):
                        yield i
                        break
        i = norm.find(word, i + 1)


def _relative(norm: str, lang: str, published: date, taken: list[tuple[int, int]]) -> list[Candidate]:
    """Candidates from words relative to the publication date."""
    out: list[Candidate] = []

    def add(start: int, end: int, days: int) -> None:
        if days >= 400:
            return
        for s, e in taken:  # a plain loop: any() over a generator cost a frame per report's dozen spans
            if s < end and start < e:
                return
        taken.append((start, end))
        out.append((start, published - timedelta(days=days), "day", norm[start:end]))

    lang = lang if lang in _RELATIVE_WORDS else "other"
    present = _RELATIVE_LITERALS[lang](norm)  # which of the words below occur, in one pass (most do not)
    for word, days in _RELATIVE_WORDS[lang].items():
        if word not in present:
            continue
        for i in _occurrences(norm, word, word[0] > "z"):
            before = _TWO_DAYS_BEFORE.search(norm, max(0, i - 12), i)
            after = _TWO_DAYS_AFTER.match(norm, i + len(word)) if days == 1 else None
            if days == 1 and (before or after):
                add(before.start() if before else i, after.end() if after else i + len(word), 2)
            else:
                add(i, i + len(word), days)
    for word in _AGO_WORDS[lang]:
        if word not in present:
            continue
        for i in _occurrences(norm, word, word == "قبل"):
            _ago(norm, i, word, add)
    for word, weekday in _WEEKDAYS_BY_LANG[lang].items():
        if word not in present:
            continue
        for i in _occurrences(norm, word, word[0] > "z"):
            before = _WEEKDAY_BEFORE.search(norm, max(0, i - 10), i)
            after = _WEEKDAY_AFTER.match(norm, i + len(word))
            if word == "الاثنين" and not (before or after):
                continue  # bare "الاثنين" is as often "the two" as "Monday"
            delta = (published.weekday() - weekday) % 7
            if delta == 0 and ((before and before["last"] in ("last", "past")) or after):
                delta = 7
            add(before.start() if before else i, after.end() if after else i + len(word), delta)
    return out


def _ago(norm: str, i: int, word: str, add) -> None:
    """"three days ago", "il y a deux jours", "قبل يومين" at position ``i`` of ``word``."""
    if word == "ago" and (m := _AGO_EN.search(norm, max(0, i - 25), i)):
        add(m.start(), i + 3, parse_number(m["n"], "en") or 400)
    elif word == "il y a" and (m := _AGO_FR.match(norm, i + 6)):
        add(i, m.end(), parse_number(m["n"], "fr") or 400)
    elif word == "قبل" and (m := _AGO_AR.match(norm, i + 3)):
        add(i, m.end(), {"يومين": 2, "يوم": 1, "اسبوع": 7}[m["w"]] if m["w"] else parse_number(m["n"], "ar") or 400)


def _sentence(norm: str, pos: int, marks: str = _SENTENCE_CHARS) -> tuple[int, int]:
    """Start and end of the sentence around ``pos`` ('.', '!', '?' or a line break end sentences).

    ``marks``: the sentence-ending characters present in ``norm`` (searching for absent ones scans it all)."""
    start = max(map(norm.rfind, marks, repeat(0), repeat(pos)), default=-1) + 1  # C-level map
    ends = [e for e in map(norm.find, marks, repeat(pos)) if e != -1]
    return start, min(ends) if ends else len(norm)


def _sentence_score(norm: str, lang: str, start: int, end: int, lead_ends: tuple[int, int]) -> int:
    """Score of a sentence as the place of the incident date: incident words, lead position, background."""
    sentence = norm[start:end]
    stems = _INCIDENT_STEMS.get(lang, _INCIDENT_STEMS["other"])
    score = 4 if any(stem in sentence for stem in stems) else 0
    score += 2 if start <= lead_ends[0] else 1 if start <= lead_ends[1] else 0
    return score - (3 if any(stem in sentence for stem in _BACKGROUND_STEMS) else 0)


def _best(norm: str, lang: str, candidates: list[Candidate], published: date | None) -> Candidate:
    """The best-scored candidate (ties: the earliest in the text); sentences are scored once each."""
    sentence_scores: dict[int, int] = {}
    marks = "".join(filter(norm.__contains__, _SENTENCE_CHARS))
    first = 0
    while first < len(norm) and norm[first] in " \n.!?":
        first += 1
    first_end = _sentence(norm, first, marks)[1]
    second_end = _sentence(norm, first_end + 1, marks)[1] if first_end < len(norm) else first_end
    lead_ends = (first_end, second_end)

    def key(candidate: Candidate) -> tuple[int, int]:
        pos, day, precision, evidence = candidate
        start, end = _sentence(norm, pos, marks)
        if start not in sentence_scores:
            sentence_scores[start] = _sentence_score(norm, lang, start, end, lead_ends)
        score = sentence_scores[start] + {"day": 1, "month": 0, "year": -2}[precision]
        absolute = evidence[-1:].isdigit() or evidence[:1].isdigit()
        if day == published:  # "today" is as often the day of reporting ("today confirmed…") as the incident's
            score -= 3 if pos < _DATELINE_CHARS and absolute else 1  # a dateline gives the publication day
        elif absolute:
            score += 1  # "confirmed yesterday the arrest on Oct. 19": the written-out date is the event's
        return score, -pos

    return max(candidates, key=key)


def _candidates(norm: str, lang: str, published: date | None) -> list[Candidate]:
    candidates, taken = _absolute(norm, lang, published)
    if published is not None:
        candidates += _relative(norm, lang, published, taken)
        candidates = [c for c in candidates if c[1] <= published]
    return candidates


def find_incident_date(text: str, lang: str, published: date | None) -> DateResult:
    """The most likely incident date in ``text`` (language ``lang``), relative words read against ``published``.

    ``published`` may be a ``date`` or a ``datetime`` (its date is used). Returns ``DateResult(None, None, "")``
    when no date is found. Never returns a date after ``published``.
    """
    if isinstance(published, datetime):
        published = published.date()
    norm = normalise(text)
    gtd = _GTD_PREFIX.match(norm)
    if gtd and (d := _gregorian(int(gtd["year"]), int(gtd["a"]), int(gtd["b"]))):
        return DateResult(d, "day", gtd.group(0).strip(" :-–"))
    candidates = _candidates(norm[:_LEAD_CHARS], lang, published)
    if not candidates and len(norm) > _LEAD_CHARS:
        candidates = _candidates(norm, lang, published)
    if not candidates:
        return DateResult(None, None, "")
    best = candidates[0] if len(candidates) == 1 else _best(norm, lang, candidates, published)
    return DateResult(best[1], best[2], " ".join(best[3].split()))
