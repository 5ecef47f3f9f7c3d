"""Who may see what: the sharing policy, accounts and authentication, and the hash-chained audit trail.

Why one layer: every read path (TAXII, web, CLI exports, analysis) asks the same questions — who is this
(:mod:`~marsad.access.auth` → :class:`Viewer`), may they see this object (:func:`can_see`) or which objects may
they see (:func:`visible_clause`, passed as ``where=`` to the store), and was it recorded
(:mod:`~marsad.access.audit`). Layers above import from here, never from the tables directly.
"""

from __future__ import annotations

from marsad.access.accounts import (
    ApiKeyInfo,
    Organisation,
    User,
    create_api_key,
    create_organisation,
    create_user,
    get_organisation,
    get_user,
    list_api_keys,
    list_organisations,
    list_users,
    revoke_api_key,
    set_active,
    set_password,
)
from marsad.access.audit import (
    VerifyResult,
    chain_head,
    export_entries,
    record,
    record_admin,
    record_denial,
    record_export,
    record_login,
    record_read,
    record_write,
    verify_chain,
)
from marsad.access.auth import authenticate_basic, authenticate_header, authenticate_key
from marsad.access.context import Viewer, load_viewer
from marsad.access.memberships import (
    Membership,
    grant_read,
    list_memberships,
    remove_membership,
    revoke_read_grant,
    set_membership,
    set_open_read,
)
from marsad.access.policy import ObjectFacts, can_see, object_facts, visible_clause
from marsad.access.sessions import authenticate_session, issue_session

__all__ = [
    "ApiKeyInfo",
    "Membership",
    "ObjectFacts",
    "Organisation",
    "User",
    "VerifyResult",
    "Viewer",
    "authenticate_basic",
    "authenticate_header",
    "authenticate_key",
    "authenticate_session",
    "can_see",
    "chain_head",
    "create_api_key",
    "create_organisation",
    "create_user",
    "export_entries",
    "get_organisation",
    "get_user",
    "grant_read",
    "issue_session",
    "list_api_keys",
    "list_memberships",
    "list_organisations",
    "list_users",
    "load_viewer",
    "object_facts",
    "record",
    "record_admin",
    "record_denial",
    "record_export",
    "record_login",
    "record_read",
    "record_write",
    "remove_membership",
    "revoke_api_key",
    "revoke_read_grant",
    "set_active",
    "set_membership",
    "set_open_read",
    "set_password",
    "verify_chain",
    "visible_clause",
]
