"""Analysis: incident counts and trends, early warning, history imports (and, next, briefs and the link graph).

Why a layer of its own: every figure here is computed over the incident projection of
:mod:`marsad.store.incidents` and restricted to what the asking user may see (the access layer's
``visible_clause``, see :func:`marsad.analysis.trends.visibility`), so the dashboard, the CLI, briefs and the
JSON API give the same numbers to the same person. Modules: :mod:`~marsad.analysis.history` (GTD/ACLED imports,
row mappings in :mod:`~marsad.analysis.history_rows`), :mod:`~marsad.analysis.trends`,
:mod:`~marsad.analysis.warnings`.
"""

__all__: list[str] = []
