"""Lower-layer error messages in the page's language.

Why: :mod:`marsad.access.accounts`, :mod:`marsad.access.auth`, :class:`~marsad.access.context.Viewer` and the
sign-in throttle raise :class:`~marsad.errors.MarsadError` with English messages — right for the command line,
the logs and the JSON APIs, which keep them as they are. Pages show them to people reading Arabic or French, so
here each known message is recognised by its shape (a stable code, the pattern of the English text, and the
values it names) and replaced by a catalogue message (``marsad/locale``) with the same values. A message no
pattern knows is shown as it is: better English than nothing. ``tests/web/test_error_messages.py`` raises each
error through the lower layer, so a reworded lower-layer message that no longer matches fails a test.

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
)
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
