"""One incident as a viewer may see it: the latest version, or NotFound — audited either way.

Why its own module: briefs and the similar-incidents list both start from "the incident this user asked for".
The rule is the sharing policy's: the incident's latest stored version (the one the projection points at) must be
visible under :func:`marsad.analysis.trends.visibility`; otherwise the answer is :class:`~marsad.errors.NotFound`,
word for word the same as for an id that does not exist (no leak of existence), and the refusal is written to the
audit trail (through the engine, so it stays recorded when the caller's transaction rolls back). A successful
read is audited as a ``read`` with ``via`` naming what was made of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from marsad.access.audit import record_denial, record_read
from marsad.access.context import Viewer
from marsad.access.db import Db, connected
from marsad.analysis.trends import visibility
from marsad.errors import NotFound
from marsad.store.incidents import incident_facts
from marsad.store.objects import stix_objects

__all__ = ["VisibleIncident", "ANONYMOUS", "actor_of", "visible_incident"]

#: the audit actor of a read without a signed-in viewer (the CLI without ``--as``: TLP:CLEAR only)
ANONYMOUS = "cli:clear-only"


@dataclass(frozen=True)
class VisibleIncident:
    """The incident's latest version (``obj``) and its projected facts (``facts``: an ``incident_facts`` row)."""

    obj: dict[str, Any]
    facts: dict[str, Any]


def actor_of(viewer: Viewer | None) -> Viewer | str:
    """Who the audit trail names for ``viewer``."""
    return viewer if viewer is not None else ANONYMOUS


def _engine(db: Db):
    return db.engine if isinstance(db, Connection) else db


def visible_incident(db: Db, viewer: Viewer | None, incident_id: str, *, via: str = "brief",
                     remote_addr: str | None = None, audit_read: bool = True) -> VisibleIncident:
    """The incident ``incident_id`` if ``viewer`` may see it (None: TLP:CLEAR only), else :class:`NotFound`.

    A refusal is always audited; the read only with ``audit_read`` (a caller that shows more objects — a brief
    with its precedents — records one read of them all instead)."""
    incident_id = str(incident_id or "").strip()
    query = (select(incident_facts, stix_objects.c.object.label("stix_object"))
             .join(stix_objects, stix_objects.c.pk == incident_facts.c.object_pk)
             .where(incident_facts.c.stix_id == incident_id, visibility(viewer)))
    with connected(db) as conn:
        row = conn.execute(query).first() if incident_id.startswith("incident--") else None
    if row is None:
        record_denial(_engine(db), actor_of(viewer), "read", [incident_id[:300]] if incident_id else [],
                      reason="no such incident, or not visible", via=via, remote_addr=remote_addr)
        raise NotFound(f"no incident {incident_id[:120]!r}")
    facts = {key: value for key, value in row._mapping.items() if key != "stix_object"}
    if audit_read:
        record_read(db, actor_of(viewer), [incident_id], via=via, remote_addr=remote_addr)
    return VisibleIncident(dict(row.stix_object), facts)
