"""The app factory: independent apps from settings; errors answered as JSON with a reason."""

from fastapi.testclient import TestClient

from marsad.config import load_settings
from marsad.web.app import create_app


def test_two_apps_do_not_share_state(tmp_path):
    first = create_app(load_settings(data_dir=tmp_path / "a"))
    second = create_app(load_settings(data_dir=tmp_path / "b"))
    assert first.state.engine is not second.state.engine
    assert str(first.state.engine.url) != str(second.state.engine.url)


def test_health_and_unknown_path(tmp_path):
    client = TestClient(create_app(load_settings(data_dir=tmp_path)))
    assert client.get("/health").json()["status"] == "ok"
    missing = client.get("/no/such/page")
    assert missing.status_code == 404 and missing.json()["http_status"] == "404"
    assert "Traceback" not in missing.text


def test_shutdown_closes_route_resources(tmp_path):
    app = create_app(load_settings(data_dir=tmp_path))
    with TestClient(app):
        assert not app.state.alert_broker.closed
    assert app.state.alert_broker.closed


def test_lifespan_runs_the_wal_checkpointer(tmp_path):
    """While the app runs, SQLite checkpoints happen in a background thread, not in requests' commits."""
    import threading

    app = create_app(load_settings(data_dir=tmp_path))
    running = lambda: any(t.name == "marsad-wal-checkpoint" for t in threading.enumerate())  # noqa: E731
    with TestClient(app) as client:
        assert running()
        with app.state.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() > 1000
        assert client.get("/health").status_code == 200
    assert not running()


def test_heap_settled_once_per_process(tmp_path, monkeypatch):
    """The first app of a process freezes the long-lived heap (gc.freeze); later apps do not freeze again."""
    import gc

    from marsad.web import app as app_module

    freezes = []
    monkeypatch.setattr(app_module, "_settled_in", None)
    monkeypatch.setattr(app_module.gc, "freeze", lambda: freezes.append(gc.get_count()))
    create_app(load_settings(data_dir=tmp_path / "a"))
    assert len(freezes) == 1
    create_app(load_settings(data_dir=tmp_path / "b"))
    assert len(freezes) == 1
