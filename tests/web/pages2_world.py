"""Helpers of the page tests for reports, sources, subscriptions, audit, administration and organisations.

They build on the seeded hub of ``tests/web/page_world.py`` (fixtures ``seeded`` and ``make_client`` of
``tests/web/conftest.py``, both backends), add the roles those pages need (an auditor, a liaison officer of
the Saudi unit) and sign users in through the real form, so cookies and CSRF tokens are the real ones.
"""

from __future__ import annotations

import re

from marsad.access.accounts import create_user
from marsad.web import app as web_app
from tests.web.page_world import PASSWORD, sign_in

__all__ = ["csrf", "add_roles", "signed_in", "PASSWORD"]

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_META = re.compile(r'name="csrf-token" content="([^"]+)"')


def csrf(html: str) -> str:
    """The CSRF token of the first form in ``html`` (or of the page's ``csrf-token`` meta tag)."""
    found = _CSRF.search(html) or _META.search(html)
    return found.group(1)


def add_roles(seeded) -> None:
    """An auditor (of the secretariat) and a liaison officer (of the SA unit)."""
    orgs = seeded.world.orgs
    create_user(seeded.engine, "auditor", orgs["sec"].name, "auditor", PASSWORD, language="en")
    create_user(seeded.engine, "sa_liaison", orgs["sa"].name, "liaison", PASSWORD, language="en")


def signed_in(make_client, username: str, *modules, lang: str = "en"):
    """A client of the real app signed in as ``username``, pages in ``lang`` (``modules``: route modules not yet
    in the app factory's list are registered on this app)."""
    client = make_client()
    for module in modules:
        if module not in web_app.ROUTE_MODULES:
            module.register(client.app)
    sign_in(client, username)
    client.cookies.set("marsad_lang", lang)
    return client
