"""Write ``marsad/data/schemas/incident-gtd.json``, the JSON schema of Marsad's GTD incident extension.

Why a file as well as code: the schema is what peers and other tools validate against; shipping it as a
file lets them read it without Marsad. It is generated from ``marsad.model.incident.incident_schema()``
(vocabulary enums from ``marsad.model.vocab``) so the two cannot drift; a test checks the file is current.
Run: ``/work/venv/bin/python scripts/build_incident_schema.py``.
"""

from __future__ import annotations

import json

from marsad.model.incident import SCHEMA_FILE, incident_schema

if __name__ == "__main__":
    SCHEMA_FILE.parent.mkdir(parents=True, exist_ok=True)
    SCHEMA_FILE.write_text(json.dumps(incident_schema(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {SCHEMA_FILE}")
