"""Choosing the interface language: address > cookie > user's setting > browser > hub default (Arabic)."""

import pytest

from marsad.web.i18n import N_, direction, negotiate, translations


@pytest.mark.parametrize("args, expected", [
    (("en", "fr", "ar", "fr"), "en"),
    ((None, "fr", "en", "en"), "fr"),
    ((None, None, "en", "fr"), "en"),
    ((None, None, None, "fr-CA,fr;q=0.9,en;q=0.8"), "fr"),
    ((None, None, None, "de, en;q=0.5, fr;q=0.7"), "fr"),
    ((None, None, None, "de"), "ar"),
    (("xx", "yy", "zz", "en;q=0"), "ar"),
    ((None, None, None, None), "ar"),
])
def test_precedence(args, expected):
    assert negotiate(*args) == expected


def test_hub_default_when_nothing_chosen():
    assert negotiate(None, None, None, None, default="fr") == "fr"


def test_direction_and_catalogues():
    assert direction("ar") == "rtl" and direction("en") == direction("fr") == "ltr"
    assert translations("ar").gettext("Sign in") == "تسجيل الدخول"
    assert translations("fr").gettext("Sign in") == "Se connecter"
    assert translations("en").gettext("Sign in") == "Sign in"
    assert translations("de").gettext("Sign in") == "Sign in"
    assert N_("Sign in") == "Sign in"
