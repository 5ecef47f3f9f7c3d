"""Lower-layer error messages in the page's language.

Why: :mod:`marsad.access.accounts`, :mod:`marsad.access.auth`, :class:`~marsad.access.context.Viewer`, the sign-in
throttle, the monitor's sources, readings (fetch, feeds, pages, collect: a source's last error), subscriptions and
incident curation raise :class:`~marsad.errors.MarsadError` with English messages — right for the command line, the
logs and the JSON APIs, which keep them as they are. Pages show them to people reading Arabic or French, so here
each known message is recognised by its shape (a stable code, the pattern of the English text, and the values it
names) and replaced by a catalogue message (``marsad/locale``) with the same values. A message no pattern knows is
shown as it is: better English than nothing. ``tests/web/test_error_messages.py`` raises each error through the
lower layer, so a reworded lower-layer message that no longer matches fails a test.

Use ``{{ message|error_text }}`` in templates or :func:`localise_error` in code.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from marsad.web.formatting import arabic_digits
from marsad.web.i18n import N_, translations

__all__ = ["ErrorMessage", "ERROR_MESSAGES", "error_code", "localise_error"]


class ErrorMessage(NamedTuple):
    """A known lower-layer message: ``code`` (stable), ``pattern`` (of the English text; named groups are the
    values shown) and ``msgid`` (the catalogue message, ``%(name)s`` for each group)."""

    code: str
    pattern: re.Pattern
    msgid: str


_Q = r"""['"](?P<value>.*)['"]"""  # a value as repr() quotes it


def _q(name: str) -> str:
    """A value named ``name`` as repr() quotes it, shortest match (for messages naming two values)."""
    return rf"""['"](?P<{name}>.*?)['"]"""


# marsad.monitor.sources: adding and removing a source (/sources)
_SOURCE_TABLE = (
    ("source_name", r"^a source name must have 1 to 100 characters$",
     N_("A source needs a name of 1 to 100 characters.")),
    ("source_kind", rf"^source {_q('value')}: kind must be one of ",
     N_("Source “%(value)s”: choose a feed, a web page or a folder.")),
    ("source_interval", rf"^source {_q('value')}: the interval must be at least (?P<n>\d+) seconds$",
     N_("Source “%(value)s”: the interval between readings must be at least %(n)s seconds.")),
    ("source_folder", rf"^source {_q('value')}: (?P<location>.*) is not an existing folder$",
     N_("Source “%(value)s”: %(location)s is not an existing folder.")),
    ("source_url", rf"^source {_q('value')}: {_q('location')} is not an http\(s\) URL$",
     N_("Source “%(value)s”: “%(location)s” is not an http:// or https:// address.")),
    ("source_credentials", rf"^source {_q('value')}: URLs with credentials are not accepted$",
     N_("Source “%(value)s”: addresses that carry a user name or a password are not accepted.")),
    ("source_taken", rf"^a source called {_Q} already exists$", N_("A source named “%(value)s” already exists.")),
    ("no_source", rf"^no source called {_Q}$", N_("There is no source named “%(value)s”.")),
    ("source_store", rf"^could not add source {_Q}: \w+$",
     N_("Source “%(value)s” could not be saved: try again in a moment.")),
)

# marsad.monitor.fetch, feeds, pages, collect: a reading that failed (/sources: "test" and each source's last error)
_FETCH_TABLE = (
    ("fetch_resolve", r"^cannot resolve (?P<value>[^\s:]+)",
     N_("The host name %(value)s could not be resolved (DNS).")),
    ("fetch_private", r"^refused to connect to non-public address (?P<value>\S+)$",
     N_("Refused: the address points to a private or local network (%(value)s).")),
    ("fetch_not_url", r"^not an http\(s\) URL: ", N_("This is not an http:// or https:// address.")),
    ("fetch_credentials", r"^URLs with credentials are not accepted: ",
     N_("Addresses that carry a user name or a password are not accepted.")),
    ("fetch_too_large", r": response (?:of \d+ bytes )?is over the limit of (?P<n>\d+)",
     N_("The response is larger than the limit of %(n)s bytes.")),
    ("fetch_too_slow", r": response took longer than (?P<n>[\d.]+) s \(aborted\)$",
     N_("The response took longer than %(n)s seconds: reading stopped.")),
    ("fetch_redirects", r": more than (?P<n>\d+) redirects$", N_("The address redirected more than %(n)s times.")),
    ("fetch_status", r": HTTP (?P<n>\d{3})$", N_("The site answered with HTTP status %(n)s.")),
    ("fetch_media_type", rf": content type {_q('value')} is not one of ",
     N_("The site sent content of type “%(value)s”, which this kind of source does not read.")),
    ("fetch_timeout", r"^\S+: timed out \(\w+\)$", N_("The site did not answer in time.")),
    ("fetch_connection", r"^\S+: (?P<value>[A-Z]\w*(?:Error|Protocol)): ",
     N_("The connection to the site failed (%(value)s).")),
    ("collect_unexpected", r"^unexpected (?P<value>\w+) while reading the source$",
     N_("The source could not be read (unexpected %(value)s).")),
    ("feed_unsafe", r": refused unsafe XML \(\w+\)$",
     N_("The feed was refused: its XML declares entities or external references.")),
    ("feed_malformed", r": not a well-formed feed \(", N_("The feed is not well-formed XML.")),
    ("feed_not_feed", r": not an RSS or Atom feed \(root element <(?P<value>[^>]*)>\)$",
     N_("This is not an RSS or Atom feed (its root element is <%(value)s>).")),
    ("feed_unreadable", r": feed could not be read \(", N_("The feed could not be read.")),
    ("page_no_text", r": no main text found on the page$", N_("No main text was found on the page.")),
    ("folder_unreadable", r"^(?P<value>.*): not a readable folder$", N_("The folder %(value)s cannot be read.")),
    ("folder_too_many", r"^more than (?P<n>\d+) new files; the rest are read next time$",
     N_("More than %(n)s new files: the rest will be read next time.")),
    ("folder_file_too_large", r"^(?P<value>.*): over (?P<n>\d+) bytes, skipped$",
     N_("The file %(value)s is larger than %(n)s bytes: it was skipped.")),
)

# marsad.monitor.subscriptions: creating and deleting a subscription (/subscriptions)
_SUBSCRIPTION_TABLE = (
    ("filter_texts", rf"^filter {_Q} must be a list of non-empty texts$",
     N_("The filter “%(value)s” must be a list of non-empty texts.")),
    ("filter_too_many", rf"^filter {_q('value')} has more than (?P<n>\d+) entries$",
     N_("The filter “%(value)s” has more than %(n)s entries.")),
    ("filter_country", rf"^filter {_q('filter')}: {_q('value')} is not an ISO 3166-1 alpha-2 country code$",
     N_("“%(value)s” is not a country code: use the two-letter ISO 3166-1 code (e.g. SA, EG, MA).")),
    ("filter_count", rf"^filter {_q('value')} must be a whole number, 0 or more",
     N_("The filter “%(value)s” must be a whole number, 0 or more.")),
    ("filter_regions", r"^filter 'regions' must map a region name to a list of country codes$",
     N_("Regions must map a region name to a list of country codes.")),
    ("filters_object", r"^filters must be an object$", N_("The filters must be an object (names and values).")),
    ("filter_unknown", rf"^unknown filter {_q('value')}: use ", N_("Unknown filter “%(value)s”.")),
    ("webhook_url", rf"^webhook URL {_Q} must be an http:// or https:// address with a host$",
     N_("The webhook address “%(value)s” must be an http:// or https:// address with a host name.")),
    ("webhook_credentials", r"^webhook URL must not carry a user name or password$",
     N_("The webhook address must not carry a user name or a password.")),
    ("webhook_private", rf"^webhook URL {_Q} points to a private or loopback address$",
     N_("The webhook address “%(value)s” points to a private or local network.")),
    ("email", rf"^{_Q} is not an e-mail address$", N_("“%(value)s” is not an e-mail address.")),
    ("webhook_secret", r"^a webhook secret needs at least (?P<n>\d+) characters$",
     N_("A webhook secret needs at least %(n)s characters.")),
    ("channel", r"^a subscription needs a channel",
     N_("A subscription needs a channel: in the application, a webhook address or an e-mail address.")),
    ("subscription_name", r"^a subscription needs a name of 1 to 200 characters$",
     N_("A subscription needs a name of 1 to 200 characters.")),
    ("subscription_language", rf"^language must be one of .*, not {_Q}$",
     N_("Unknown language “%(value)s”.")),
    ("subscription_taken", rf"^{_q('user')} already has a subscription named {_Q}$",
     N_("There is already a subscription named “%(value)s”.")),
    ("no_subscription", rf"^{_q('user')} has no subscription (?P<value>\d+)$",
     N_("There is no subscription %(value)s.")),
)

# marsad.monitor.curation, incident_files, sharing: an analyst's correction or share on the incident page
_CURATION_TABLE = (
    ("no_change", r"^no change given$", N_("No change was given.")),
    ("not_editable", rf"^{_Q} is not a field analysts may set$", N_("“%(value)s” is not a field analysts may set.")),
    ("split_all", r"^a split moves some, not all, of the incident's own reports$",
     N_("A split moves some of the incident’s own reports, not all of them.")),
    ("merge_self", r"^an incident cannot be merged into itself$", N_("An incident cannot be merged into itself.")),
    ("merge_markings", r"^incidents with different markings cannot be merged",
     N_("Incidents with different markings cannot be merged: their reports would be shared more widely.")),
    ("share_merged", r"^incident (?P<value>\S+) was merged into another one: share that one$",
     N_("Incident %(value)s was merged into another one: share that one.")),
    ("merged_into", r"^incident (?P<value>\S+) was merged into (?P<into>\S+)$",
     N_("Incident %(value)s was merged into %(into)s.")),
    ("incident_name", r"^an incident needs a name$", N_("An incident needs a name.")),
    ("determination", rf"^determination must be one of .*, not {_Q}$", N_("Unknown determination “%(value)s”.")),
    ("investigation_status", r"^investigation_status must be one of ",
     N_("Unknown investigation status: choose one of those offered.")),
)


_TABLE = (
    ("state_code", rf"^{_Q} is not an ISO 3166-1 alpha-2 state code",
     N_("“%(value)s” is not a state code: use the two-letter ISO 3166-1 code (e.g. SA, EG, MA).")),
    ("username", rf"^{_Q} is not a valid username",
     N_("“%(value)s” is not a valid username: use 2 to 64 characters among a-z, 0-9, dot, underscore and "
        "hyphen, starting with a letter or a digit.")),
    ("org_name", r"^an organisation needs a name of 1–200 characters$",
     N_("An organisation needs a name of 1 to 200 characters.")),
    ("identity_id", rf"^{_Q} is not a STIX identity id", N_("“%(value)s” is not a STIX identity id.")),
    ("org_taken", rf"^an organisation named {_Q} already has this name or identity id$",
     N_("An organisation named “%(value)s” already has this name or identity id.")),
    ("no_org", rf"^no organisation {_Q}$", N_("There is no organisation “%(value)s”.")),
    ("role", rf"^unknown role {_Q}; expected one of", N_("Unknown role “%(value)s”.")),
    ("language", rf"^unknown language {_Q}; expected one of", N_("Unknown language “%(value)s”.")),
    ("user_taken", rf"^a user named {_Q} already exists$", N_("A user named “%(value)s” already exists.")),
    ("no_user", rf"^no user named {_Q}$", N_("There is no user named “%(value)s”.")),
    ("not_key", r"^not an API key or key prefix$", N_("This is not an API key or a key prefix.")),
    ("no_key", rf"^no API key with prefix {_Q}$", N_("There is no API key with the prefix “%(value)s”.")),
    ("short_password", r"^the password is too short: use at least (?P<n>\d+) characters$",
     N_("The password is too short: use at least %(n)s characters.")),
    ("not_sharer", r"^['\"].*['\"] may not share this incident",
     N_("Only the analysts, liaison officers and administrators of the organisation that recorded this incident "
        "may share it.")),
    ("role_needed", r"^['\"].*['\"] may not .*: it needs the role ",
     N_("Your role does not allow this. Ask an administrator of your organisation if you need it.")),
    ("csrf", r"^the form has expired or did not come from this site",
     N_("The form has expired or did not come from this site: reload the page and try again.")),
    ("no_incident", r"^no incident (?P<value>\S+)$", N_("There is no incident %(value)s that you may see.")),
    ("throttled", r"^too many failed sign-ins", N_("Too many failed sign-ins: wait a few minutes and try again.")),
) + _SOURCE_TABLE + _FETCH_TABLE + _SUBSCRIPTION_TABLE + _CURATION_TABLE
ERROR_MESSAGES: tuple[ErrorMessage, ...] = tuple(
    ErrorMessage(code, re.compile(pattern, re.S), msgid) for code, pattern, msgid in _TABLE)


def error_code(message: str) -> tuple[str, dict[str, str]] | None:
    """The code of a known lower-layer ``message`` and the values it names, or None."""
    for known in ERROR_MESSAGES:
        found = known.pattern.search(message)
        if found:
            return known.code, found.groupdict()
    return None


_BY_CODE = {known.code: known for known in ERROR_MESSAGES}


def localise_error(message: Any, lang: str = "ar") -> str:
    """``message`` (an error's text, or the error itself) in ``lang`` when it is a known lower-layer message,
    else as it is (empty for None)."""
    if message is None:
        return ""
    text = str(getattr(message, "message", message))
    known = error_code(text)
    if known is None:
        return text
    code, values = known
    if lang == "ar" and "n" in values:
        values = {**values, "n": arabic_digits(values["n"])}
    return translations(lang).gettext(_BY_CODE[code].msgid) % values
