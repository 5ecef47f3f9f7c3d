"""The overview page (being built: registered so the app factory's route list is stable)."""

from __future__ import annotations

from fastapi import FastAPI

__all__ = ["register"]


def register(app: FastAPI) -> None:
    return None
