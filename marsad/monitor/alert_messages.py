"""The words of an alert, in the subscriber's language (Arabic, English, French), from fixed templates.

Why templates and nothing else: an alert is read in seconds and acted on, so it must say only what the incident
record says — attack type label (GTD vocabulary), place (city, country name in that language), date at its
precision, perpetrator or "unknown", killed and wounded ("not reported" when the record has no figure) — and
link to the incident. Nothing is guessed, summarised or translated by a model. The HTML form escapes every value
and is right-to-left for Arabic.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from marsad.model.countries import country_name, is_country_code
from marsad.model.vocab import ATTACK_TYPES

__all__ = ["AlertMessage", "AlertWords", "render_alert", "alert_words", "message_from_log", "TEMPLATES"]

TEMPLATES: dict[str, dict[str, str]] = {
    "en": {
        "new": "Alert: {attack} in {place} ({date})",
        "toll": "Update: toll rose to {killed} killed, {wounded} wounded — {attack} in {place} ({date})",
        "body": "{attack} in {place} on {date}. Perpetrator: {perpetrator}. Killed: {killed}. Wounded: {wounded}.",
        "previous": "Previously reported: {killed} killed, {wounded} wounded.",
        "unknown": "unknown", "unreported": "not reported", "no_date": "date unknown", "no_place": "place unknown",
        "attack_unknown": "Incident", "link": "Details", "subscription": "Subscription",
    },
    "fr": {
        "new": "Alerte : {attack} — {place} ({date})",
        "toll": "Mise à jour : bilan porté à {killed} tués, {wounded} blessés — {attack}, {place} ({date})",
        "body": "{attack} — {place}, le {date}. Auteur : {perpetrator}. Tués : {killed}. Blessés : {wounded}.",
        "previous": "Bilan précédent : {killed} tués, {wounded} blessés.",
        "unknown": "inconnu", "unreported": "non communiqué", "no_date": "date inconnue", "no_place": "lieu inconnu",
        "attack_unknown": "Incident", "link": "Détails", "subscription": "Abonnement",
    },
    "ar": {
        "new": "تنبيه: {attack} في {place} ({date})",
        "toll": "تحديث: ارتفاع الحصيلة إلى {killed} قتيلاً و{wounded} جريحاً — {attack} في {place} ({date})",
        "body": "{attack} في {place} بتاريخ {date}. الجهة المنفذة: {perpetrator}. القتلى: {killed}. الجرحى: {wounded}.",
        "previous": "الحصيلة السابقة: {killed} قتيلاً و{wounded} جريحاً.",
        "unknown": "غير معروفة", "unreported": "لم يُذكر", "no_date": "تاريخ غير معروف", "no_place": "مكان غير معروف",
        "attack_unknown": "حادث", "link": "التفاصيل", "subscription": "الاشتراك",
    },
}


@dataclass(frozen=True)
class AlertMessage:
    """One alert's words: ``subject`` (one line), ``text`` (plain), ``html``, ``url`` and the facts used (``data``)."""

    subject: str
    text: str
    html: str
    url: str
    language: str
    data: dict

    def as_json(self) -> dict:
        """The message as stored in the alert log and sent to webhooks and the live stream."""
        return {"subject": self.subject, "text": self.text, "url": self.url, "language": self.language, **self.data}


def _place(fields: dict, lang: str, words: dict) -> str:
    code = fields.get("country")
    name = country_name(code, lang) if code and is_country_code(code) else code
    parts = [p for p in (fields.get("city"), name) if p]
    if not parts:
        return words["no_place"]
    return ("، " if lang == "ar" else ", ").join(parts)


def _date(fields: dict, words: dict) -> str:
    occurred, precision = fields.get("occurred"), fields.get("occurred_precision") or "day"
    if not occurred:
        return words["no_date"]
    return occurred[:{"day": 10, "month": 7, "year": 4}.get(precision, 10)]


def _attack(fields: dict, lang: str, words: dict) -> str:
    labels = [ATTACK_TYPES.get(t).label(lang) if t in ATTACK_TYPES else t for t in fields.get("attack_types") or ()]
    return " / ".join(labels) if labels else words["attack_unknown"]


def _count(value, words: dict) -> str:
    return words["unreported"] if value is None else str(value)


def _page(subject: str, lines: list[str], url: str, lang: str, link: str) -> str:
    """The HTML form: every value escaped, right-to-left for Arabic."""
    direction = "rtl" if lang == "ar" else "ltr"
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
    return (f'<!DOCTYPE html><html lang="{lang}" dir="{direction}"><head><meta charset="utf-8">'
            f"<title>{html.escape(subject)}</title></head><body dir=\"{direction}\"><h1>{html.escape(subject)}</h1>"
            f'{paragraphs}<p><a href="{html.escape(url, quote=True)}">{html.escape(link)}</a></p>'
            "</body></html>")


def message_from_log(stored: dict) -> AlertMessage:
    """The message of an alert as the log stored it (:meth:`AlertMessage.as_json`), for a later delivery.

    The log keeps subject, text, url, language and data, not the HTML: the HTML is rebuilt from the text's body
    lines (between the subject and the link line), escaped, in the stored language's direction.
    """
    lang = stored.get("language") if stored.get("language") in TEMPLATES else "en"
    subject, text, url = str(stored.get("subject") or ""), str(stored.get("text") or ""), str(stored.get("url") or "")
    lines = [line for line in text.split("\n")[1:] if line.strip()]
    link = TEMPLATES[lang]["link"]
    if lines and lines[-1].startswith(f"{link}:"):
        lines = lines[:-1]
    data = {k: v for k, v in stored.items() if k not in ("subject", "text", "url", "language")}
    return AlertMessage(subject=subject, text=text, html=_page(subject, lines, url, lang, link), url=url,
                        language=lang, data=data)


@dataclass(frozen=True, slots=True)
class AlertWords:
    """What an alert says apart from the subscription's name: the same for every subscriber told about one
    incident in one language for one reason (rendered once, :func:`alert_words`; finished per subscription by
    :meth:`message`)."""

    subject: str
    lines: tuple[str, ...]
    url: str
    language: str
    link: str
    head: str
    tail: str
    data: dict

    def message(self, subscription: str | None = None) -> AlertMessage:
        """The alert of one subscription (its name on a line of its own, if given)."""
        lines = [*self.lines, f"{TEMPLATES[self.language]['subscription']}: {subscription}"] if subscription \
            else list(self.lines)
        text = "\n".join([self.subject, "", *lines, "", f"{self.link}: {self.url}"])
        body = self.head + (f"<p>{html.escape(lines[-1])}</p>" if subscription else "") + self.tail
        return AlertMessage(subject=self.subject, text=text, html=body, url=self.url, language=self.language,
                            data=dict(self.data))


def alert_words(fields: dict, lang: str, base_url: str, *, reason: str = "new", previous: tuple | None = None
                ) -> AlertWords:
    """The words of the alert for ``fields`` (from :func:`marsad.model.incident.incident_fields`) in ``lang``,
    without the subscription's name (see :func:`render_alert`).

    Why apart: one incident alerts every matching subscriber, mostly in one of three languages; the labels,
    place and country names, templates and HTML escaping are the same for all of them."""
    words = TEMPLATES.get(lang) or TEMPLATES["en"]
    lang = lang if lang in TEMPLATES else "en"
    values = {"attack": _attack(fields, lang, words), "place": _place(fields, lang, words),
              "date": _date(fields, words), "perpetrator": fields.get("perpetrator") or words["unknown"],
              "killed": _count(fields.get("killed"), words), "wounded": _count(fields.get("wounded"), words)}
    if str(values["perpetrator"]).strip().lower() == "unknown":
        values["perpetrator"] = words["unknown"]
    url = f"{base_url.rstrip('/')}/incidents/{fields['id']}"
    subject = words["toll" if reason == "toll" else "new"].format(**values)
    lines = [words["body"].format(**values)]
    if reason == "toll" and previous is not None:
        lines.append(words["previous"].format(killed=_count(previous[0], words), wounded=_count(previous[1], words)))
    page = _page(subject, lines, url, lang, words["link"])
    split = page.rindex("<p><a href=")  # the link's paragraph: a subscription's line goes before it
    data = {"incident_id": fields["id"], "reason": reason, "attack_types": list(fields.get("attack_types") or ()),
            "country": fields.get("country"), "city": fields.get("city"), "occurred": fields.get("occurred"),
            "perpetrator": fields.get("perpetrator"), "killed": fields.get("killed"), "wounded": fields.get("wounded")}
    return AlertWords(subject=subject, lines=tuple(lines), url=url, language=lang, link=words["link"],
                      head=page[:split], tail=page[split:], data=data)


def render_alert(fields: dict, lang: str, base_url: str, *, reason: str = "new", previous: tuple | None = None,
                 subscription: str | None = None) -> AlertMessage:
    """The alert for ``fields`` (from :func:`marsad.model.incident.incident_fields`) in ``lang``.

    ``reason`` is ``new`` or ``toll``; ``previous`` = (killed, wounded) last alerted, shown on a toll update."""
    return alert_words(fields, lang, base_url, reason=reason, previous=previous).message(subscription)
