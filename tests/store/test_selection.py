"""The ``where`` clause: applied to rows before version choice, in every read, search included."""

from __future__ import annotations

from sqlalchemy import exists, select

from marsad.store import object_releases, stix_objects


def test_where_applies_before_last_version(store, collection, make):
    v1 = make(n=1, modified="2024-01-01T00:00:00.000Z", name="public", x_level="open")
    v2 = dict(v1, modified="2024-02-01T00:00:00.000Z", name="secret", x_level="closed",
              object_marking_refs=["marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"])
    store.put_objects([v1, v2], collection_id=collection)
    not_red = stix_objects.c.tlp.is_(None) | (stix_objects.c.tlp != "red")
    page = store.query(collection, where=not_red)
    assert [o.object["name"] for o in page.objects] == ["public"]
    assert store.get_object(v1["id"], where=not_red).object["name"] == "public"
    assert [e.version for e in store.versions(v1["id"], where=not_red)] == [v1["modified"]]
    assert store.count(collection, where=not_red) == 1
    assert [e.version for e in store.manifest(collection, where=not_red).objects] == [v1["modified"]]


def test_where_on_release_table(store, collection, make):
    from marsad.model.markings import releasability_marking

    to_sa = releasability_marking(["SA"])
    to_eg = releasability_marking(["EG"])
    sa_obj = make(n=10, object_marking_refs=[to_sa["id"]])
    eg_obj = make(n=11, object_marking_refs=[to_eg["id"]])
    open_obj = make(n=12)
    store.put_objects([to_sa, to_eg, sa_obj, eg_obj, open_obj], collection_id=collection)
    released = exists(select(object_releases.c.object_pk).where(
        object_releases.c.object_pk == stix_objects.c.pk, object_releases.c.entry == "SA"))
    visible = released | stix_objects.c.release_to.is_(None)
    ids = {o.object["id"] for o in store.query(collection, types=["indicator"], where=visible).objects}
    assert ids == {sa_obj["id"], open_obj["id"]}


def test_where_hides_from_search(store, make):
    hidden = make(n=20, name="Operation Sandstorm", object_marking_refs=["marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"])
    shown = make(n=21, name="Sandstorm follow-up")
    store.put_objects([hidden, shown])
    not_red = stix_objects.c.tlp.is_(None) | (stix_objects.c.tlp != "red")
    assert {h.object["id"] for h in store.search("sandstorm", where=not_red)} == {shown["id"]}
    assert {h.object["id"] for h in store.search("sandstorm")} == {hidden["id"], shown["id"]}


def test_where_with_correlated_release_check_picks_last_visible_version(store, collection, make):
    from marsad.model.markings import releasability_marking

    to_sa, to_eg = releasability_marking(["SA"]), releasability_marking(["EG"])
    v1 = make(n=30, modified="2024-01-01T00:00:00.000Z", name="for SA", object_marking_refs=[to_sa["id"]])
    v2 = dict(v1, modified="2024-02-01T00:00:00.000Z", name="for EG", object_marking_refs=[to_eg["id"]])
    store.put_objects([to_sa, to_eg, v1, v2], collection_id=collection)
    for_sa = exists(select(object_releases.c.object_pk).where(
        object_releases.c.object_pk == stix_objects.c.pk, object_releases.c.entry == "SA"))
    assert [o.object["name"] for o in store.query(collection, ids=[v1["id"]], where=for_sa).objects] == ["for SA"]
    assert [o.object["name"] for o in store.query(collection, ids=[v1["id"]]).objects] == ["for EG"]
    assert [o.object["name"] for o in store.query(collection, types=["indicator"], where=~for_sa).objects] == ["for EG"]
