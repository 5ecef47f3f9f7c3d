"""The words of an incident brief in Arabic, English and French: fixed templates, counted nouns, dates.

Why templates and nothing else: a brief must say only what the incident record says, so every sentence is a
fixed pattern filled with the record's values (vocabulary labels from :mod:`marsad.model.vocab`, country names
from :mod:`marsad.model.countries`, group names from the organisations registry) — no model writes prose, nothing
is guessed. The grammar of counts is done properly here, once: Arabic nouns agree with their number (قتيل واحد,
قتيلان, ٣ قتلى, ١١ قتيلاً, ١٠٠ قتيل — the rule follows the last two digits), figures are written in Arabic-Indic
digits in Arabic, French and English pluralise ("1 blessé", "2 blessés"). A figure the record lacks is said to be
"not reported", never 0.
"""

from __future__ import annotations

from datetime import date

__all__ = ["LANGS", "HEADING_END", "UNKNOWN_VALUES", "known", "WORDS", "NOUNS", "words", "digits", "counted",
           "count_or_unreported", "say_date", "join"]

LANGS = ("ar", "en", "fr")

#: noun → language → forms. Arabic: (one, two, plural 3–10, accusative singular 11–99, genitive singular 100s);
#: English/French: (singular, plural)
NOUNS: dict[str, dict[str, tuple[str, ...]]] = {
    "killed": {"ar": ("قتيل واحد", "قتيلان", "قتلى", "قتيلاً", "قتيل"), "en": ("killed", "killed"),
               "fr": ("tué", "tués")},
    "wounded": {"ar": ("جريح واحد", "جريحان", "جرحى", "جريحاً", "جريح"), "en": ("wounded", "wounded"),
                "fr": ("blessé", "blessés")},
    "hostages": {"ar": ("رهينة واحدة", "رهينتان", "رهائن", "رهينة", "رهينة"), "en": ("hostage", "hostages"),
                 "fr": ("otage", "otages")},
    "incidents": {"ar": ("حادث واحد", "حادثان", "حوادث", "حادثاً", "حادث"), "en": ("incident", "incidents"),
                  "fr": ("incident", "incidents")},
    "reports": {"ar": ("تقرير واحد", "تقريران", "تقارير", "تقريراً", "تقرير"), "en": ("report", "reports"),
                "fr": ("rapport", "rapports")},
}
#: how Arabic says "none" of a noun (لا قتلى), English and French use the zero form
_NONE = {"ar": {"killed": "لا قتلى", "wounded": "لا جرحى", "hostages": "لا رهائن", "incidents": "لا حوادث",
                "reports": "لا تقارير"},
         "en": {}, "fr": {"killed": "aucun tué", "wounded": "aucun blessé", "hostages": "aucun otage",
                          "incidents": "aucun incident", "reports": "aucun rapport"}}

_MONTHS = {
    "ar": ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر",
           "ديسمبر"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"),
}

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Incident brief", "what": "What", "where": "Where", "when": "When", "who": "Who", "how": "How",
        "toll": "Toll", "sources": "Sources", "confidence": "Confidence", "similar": "Similar past incidents",
        "activity": "The group's recent activity",
        "headline": "{attack} in {place}, {date}.", "incident": "Incident", "no_place": "an unknown place",
        "no_date": "date unknown",
        "targets": "Targets: {targets}.", "no_targets": "The targets are not recorded.",
        "failed": "The record says the attack did not succeed.",
        "place": "Place: {place}.", "coordinates": "Coordinates: {lat}, {lon}.",
        "date": "Date: {date}.", "undated": "The date of the incident is not recorded.",
        "perpetrator": "Attributed to: {group}.", "perpetrator_suspected": "Suspected perpetrator: {group}.",
        "perpetrator_unknown": "Perpetrator: unknown.",
        "attack": "Attack type: {attack}.", "weapons": "Weapons: {weapons}.", "suicide": "A suicide attack.",
        "no_how": "How the attack was carried out is not recorded.",
        "toll_line": "{killed}, {wounded}.", "hostages": "Hostages taken: {hostages}.",
        "unreported_killed": "killed not reported", "unreported_wounded": "wounded not reported",
        "toll_step": "{at}: {killed}, {wounded} (report {report})",
        "toll_history": "Toll as reported over time: {steps}.", "toll_source": "Latest toll from report {report}.",
        "reports": "Compiled from {reports}.", "agreement": "Agreement between reports: {items}.",
        "agreement_item": "{field} {pct} %",
        "edited": "Set by an analyst: {fields}.",
        "external": "Source: {source} event {event}.", "origin_extracted": "Source: extracted from news reports.",
        "origin_report": "Source: a report submitted to the hub.",
        "confidence_value": "Confidence: {value}/100.", "confidence_none": "Confidence: not stated.",
        "determination": "Status: {status}.",
        "similar_line": "{date} — {attack} in {place}; {group}; {killed} (shared: {why}; score {score}).",
        "similar_none": "No similar past incident among those you may see.",
        "activity_line": "{group}: {n90} ({k90}) in the 90 days to {date}; {n365} ({k365}) in the 365 days.",
        "activity_unknown": "No group is named, so there is no group activity to show.",
        "why_group": "group", "why_city": "city", "why_admin1": "province", "why_country": "country",
        "why_tactic": "tactic", "why_weapon": "weapon", "why_target": "target",
        "suspected": "suspected", "confirmed": "confirmed", "false-positive": "not an incident",
        "f_place": "place", "f_occurred": "date", "f_perpetrator": "perpetrator", "f_killed": "killed",
        "f_wounded": "wounded", "f_attack_types": "attack type", "f_country": "country", "f_city": "city",
        "unknown_group": "unknown perpetrator", "and": " and ", "sep": ", ", "report_id": "report",
    },
    "fr": {
        "title": "Note d'incident", "what": "Quoi", "where": "Où", "when": "Quand", "who": "Qui",
        "how": "Comment", "toll": "Bilan", "sources": "Sources", "confidence": "Fiabilité",
        "similar": "Incidents antérieurs similaires", "activity": "Activité récente du groupe",
        "headline": "{attack} — {place}, {date}.", "incident": "Incident", "no_place": "lieu inconnu",
        "no_date": "date inconnue",
        "targets": "Cibles : {targets}.", "no_targets": "Les cibles ne sont pas renseignées.",
        "failed": "Selon la fiche, l'attaque a échoué.",
        "place": "Lieu : {place}.", "coordinates": "Coordonnées : {lat} ; {lon}.",
        "date": "Date : {date}.", "undated": "La date de l'incident n'est pas renseignée.",
        "perpetrator": "Attribué à : {group}.", "perpetrator_suspected": "Auteur présumé : {group}.",
        "perpetrator_unknown": "Auteur : inconnu.",
        "attack": "Type d'attaque : {attack}.", "weapons": "Armes : {weapons}.", "suicide": "Attaque suicide.",
        "no_how": "Le mode opératoire n'est pas renseigné.",
        "toll_line": "{killed}, {wounded}.", "hostages": "Otages : {hostages}.",
        "unreported_killed": "nombre de tués non communiqué", "unreported_wounded": "nombre de blessés non communiqué",
        "toll_step": "{at} : {killed}, {wounded} (rapport {report})",
        "toll_history": "Évolution du bilan : {steps}.", "toll_source": "Dernier bilan : rapport {report}.",
        "reports": "Établi à partir de {reports}.", "agreement": "Concordance des rapports : {items}.",
        "agreement_item": "{field} {pct} %",
        "edited": "Corrigé par un analyste : {fields}.",
        "external": "Source : {source}, événement {event}.",
        "origin_extracted": "Source : extrait de dépêches de presse.",
        "origin_report": "Source : un rapport transmis à la plateforme.",
        "confidence_value": "Fiabilité : {value}/100.", "confidence_none": "Fiabilité : non précisée.",
        "determination": "Statut : {status}.",
        "similar_line": "{date} — {attack}, {place} ; {group} ; {killed} (points communs : {why} ; score {score}).",
        "similar_none": "Aucun incident antérieur similaire parmi ceux que vous pouvez consulter.",
        "activity_line": "{group} : {n90} ({k90}) dans les 90 jours précédant le {date} ; {n365} ({k365}) "
                         "sur 365 jours.",
        "activity_unknown": "Aucun groupe n'est nommé : pas d'activité de groupe à montrer.",
        "why_group": "groupe", "why_city": "ville", "why_admin1": "province", "why_country": "pays",
        "why_tactic": "mode d'attaque", "why_weapon": "arme", "why_target": "cible",
        "suspected": "présumé", "confirmed": "confirmé", "false-positive": "pas un incident",
        "f_place": "lieu", "f_occurred": "date", "f_perpetrator": "auteur", "f_killed": "tués",
        "f_wounded": "blessés", "f_attack_types": "type d'attaque", "f_country": "pays", "f_city": "ville",
        "unknown_group": "auteur inconnu", "and": " et ", "sep": ", ", "report_id": "rapport",
    },
    "ar": {
        "title": "موجز الحادث", "what": "ماذا", "where": "أين", "when": "متى", "who": "مَن", "how": "كيف",
        "toll": "الحصيلة", "sources": "المصادر", "confidence": "درجة الثقة", "similar": "حوادث سابقة مشابهة",
        "activity": "النشاط الأخير للجماعة",
        "headline": "{attack} في {place}، {date}.", "incident": "حادث", "no_place": "مكان غير معروف",
        "no_date": "تاريخ غير معروف",
        "targets": "الأهداف: {targets}.", "no_targets": "لم تُسجَّل الأهداف.",
        "failed": "يفيد السجل بأن الهجوم لم ينجح.",
        "place": "المكان: {place}.", "coordinates": "الإحداثيات: {lat}، {lon}.",
        "date": "التاريخ: {date}.", "undated": "لم يُسجَّل تاريخ الحادث.",
        "perpetrator": "الجهة المنسوب إليها: {group}.", "perpetrator_suspected": "الجهة المشتبه بها: {group}.",
        "perpetrator_unknown": "الجهة المنفذة: غير معروفة.",
        "attack": "نوع الهجوم: {attack}.", "weapons": "الأسلحة: {weapons}.", "suicide": "هجوم انتحاري.",
        "no_how": "لم تُسجَّل طريقة تنفيذ الهجوم.",
        "toll_line": "{killed} و{wounded}.", "hostages": "الرهائن: {hostages}.",
        "unreported_killed": "عدد القتلى غير مذكور", "unreported_wounded": "عدد الجرحى غير مذكور",
        "toll_step": "{at}: {killed} و{wounded} (التقرير {report})",
        "toll_history": "تطور الحصيلة: {steps}.", "toll_source": "آخر حصيلة من التقرير {report}.",
        "reports": "أُعدّ من {reports}.", "agreement": "مدى اتفاق التقارير: {items}.",
        "agreement_item": "{field} {pct}٪",
        "edited": "حقول عدّلها محلل: {fields}.",
        "external": "المصدر: {source}، الحدث {event}.", "origin_extracted": "المصدر: مستخرج من تقارير إخبارية.",
        "origin_report": "المصدر: تقرير مُقدَّم إلى المنصة.",
        "confidence_value": "درجة الثقة: {value} من ١٠٠.", "confidence_none": "درجة الثقة: غير محددة.",
        "determination": "الحالة: {status}.",
        "similar_line": "{date} — {attack} في {place}؛ {group}؛ {killed} (أوجه التشابه: {why}؛ الدرجة {score}).",
        "similar_none": "لا حوادث سابقة مشابهة ضمن ما يحق لك الاطلاع عليه.",
        "activity_line": "{group}: {n90} ({k90}) خلال التسعين يوماً السابقة لـ{date}؛ و{n365} ({k365}) خلال "
                         "٣٦٥ يوماً.",
        "activity_unknown": "لم تُسمَّ جماعة، فلا نشاط لجماعة يُعرض.",
        "why_group": "الجماعة", "why_city": "المدينة", "why_admin1": "المحافظة", "why_country": "البلد",
        "why_tactic": "الأسلوب", "why_weapon": "السلاح", "why_target": "الهدف",
        "suspected": "مشتبه به", "confirmed": "مؤكد", "false-positive": "ليس حادثاً",
        "f_place": "المكان", "f_occurred": "التاريخ", "f_perpetrator": "الجهة المنفذة", "f_killed": "القتلى",
        "f_wounded": "الجرحى", "f_attack_types": "نوع الهجوم", "f_country": "البلد", "f_city": "المدينة",
        "unknown_group": "جهة غير معروفة", "and": " و", "sep": "، ", "report_id": "التقرير",
    },
}

_ARABIC_DIGITS = str.maketrans("0123456789.", "٠١٢٣٤٥٦٧٨٩٫")
#: what a heading ends with (French puts a space before the colon)
HEADING_END = {"ar": ":", "en": ":", "fr": " :"}
#: values GTD and the extraction write for "not known": never shown or matched as a place or a group
UNKNOWN_VALUES = frozenset({"unknown", "inconnu", "غير معروف", "غير معروفة"})


def words(lang: str) -> dict[str, str]:
    """The template words of ``lang`` (English for an unknown language)."""
    return WORDS.get(lang, WORDS["en"])


def digits(value: object, lang: str) -> str:
    """``value`` as text, with Arabic-Indic digits in Arabic and a decimal comma in French."""
    text = str(value)
    if lang == "fr" and isinstance(value, float):
        return text.replace(".", ",")
    return text.translate(_ARABIC_DIGITS) if lang == "ar" else text


def known(value: object) -> bool:
    """True for a recorded value that says something (not empty, not "Unknown")."""
    return value is not None and str(value).strip() != "" and str(value).strip().lower() not in UNKNOWN_VALUES


def _arabic(n: int, forms: tuple[str, ...]) -> str:
    one, two, plural, accusative, genitive = forms
    if n == 1:
        return one
    if n == 2:
        return two
    tail = n % 100
    if 3 <= tail <= 10:
        noun = plural
    elif 11 <= tail <= 99:
        noun = accusative
    else:  # 100, 200, 1000, 101, 102…: the singular after a hundred or thousand
        noun = genitive
    return f"{digits(n, 'ar')} {noun}"


def counted(n: int, noun: str, lang: str) -> str:
    """``n`` with ``noun`` (a key of :data:`NOUNS`) agreeing with it: "قتيلان", "3 killed", "aucun blessé"."""
    lang = lang if lang in LANGS else "en"
    if n == 0 and noun in _NONE[lang]:
        return _NONE[lang][noun]
    forms = NOUNS[noun][lang]
    if lang == "ar":
        return _arabic(n, forms)
    return f"{n} {forms[0] if n == 1 or (lang == 'fr' and n == 0) else forms[1]}"


def count_or_unreported(value: int | None, noun: str, lang: str) -> str:
    """:func:`counted`, or the template's "not reported" when the record has no figure."""
    if value is None:
        return words(lang)[f"unreported_{noun}"]
    return counted(int(value), noun, lang)


def say_date(occurred: str | date | None, precision: str | None, lang: str) -> str:
    """A date at its precision in words: "12 May 2016", "May 2016", "2016" (Arabic digits in Arabic)."""
    if not occurred:
        return words(lang)["no_date"]
    day = occurred if isinstance(occurred, date) else date.fromisoformat(str(occurred)[:10])
    month = _MONTHS.get(lang, _MONTHS["en"])[day.month - 1]
    precision = precision or "day"
    if precision == "year":
        text = f"{day.year}"
    elif precision == "month":
        text = f"{month} {day.year}"
    elif lang == "fr":
        text = f"{'1er' if day.day == 1 else day.day} {month} {day.year}"
    else:
        text = f"{day.day} {month} {day.year}"
    return digits(text, lang)


def join(items: list[str], lang: str) -> str:
    """``a, b and c`` in the language (Arabic: ``a، b وc``)."""
    w = words(lang)
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return w["sep"].join(items[:-1]) + w["and"] + items[-1]
