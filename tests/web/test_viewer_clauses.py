"""A viewer's sharing clause is remembered by the viewer's fields: equal viewers share it, any change is another."""

from __future__ import annotations

from marsad.access.context import Viewer
from marsad.web.viewer_clauses import viewer_visibility


def _sql(clause) -> str:
    return str(clause.compile(compile_kwargs={"literal_binds": True}))


def test_equal_viewers_share_the_clause_and_any_change_is_another():
    def viewer(**changes):
        fields = dict(username="ali", org_id="a", identity_id="identity--a", country="JO",
                      member_read=frozenset({"c1"}), grants={"c2": "green"})
        return Viewer(**{**fields, **changes})
    first = viewer_visibility(viewer())
    assert viewer_visibility(viewer()) is first
    for changed in (viewer(member_read=frozenset({"c1", "c3"})), viewer(grants={"c2": "amber"}),
                    viewer(country="SA"), viewer(identity_id="identity--b")):
        assert _sql(viewer_visibility(changed)) != _sql(first)
    assert "clear" in _sql(viewer_visibility(None))
