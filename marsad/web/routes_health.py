"""Liveness and version: what a load balancer or an operator asks first."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import text

from marsad import __version__

__all__ = ["register"]


def register(app: FastAPI) -> None:
    @app.get("/health", tags=["health"])
    def health() -> dict:
        """Answers 200 when the database answers."""
        with app.state.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return {"status": "ok", "version": __version__}
