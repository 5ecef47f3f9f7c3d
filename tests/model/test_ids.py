"""Stable ids: the same text as ``uuid.uuid5`` in Marsad's namespace, whatever the type and key."""

from __future__ import annotations

import uuid

from hypothesis import given, settings
from hypothesis import strategies as st

from marsad.model.ids import MARSAD_NAMESPACE, stable_id


@settings(max_examples=500)
@given(st.sampled_from(["incident", "location", "relationship", "x-custom"]) | st.text(min_size=1, max_size=20),
       st.text(max_size=300))
def test_stable_id_is_uuid5_in_the_marsad_namespace(stix_type, key):
    expected = f"{stix_type}--{uuid.uuid5(MARSAD_NAMESPACE, f'{stix_type}:{key}')}"
    assert stable_id(stix_type, key) == expected


def test_stable_id_is_a_version_5_rfc_4122_uuid():
    value = uuid.UUID(stable_id("incident", "opened-by|report--1").split("--", 1)[1])
    assert value.version == 5 and value.variant == uuid.RFC_4122
