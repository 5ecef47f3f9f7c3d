"""Monitoring: reading news reports in Arabic, English and French into structured incident records.

``marsad.monitor.extract(text, title=…, published=…, lang=…, id=…)`` is the library entry point (one
report → :class:`IncidentRecord`); ``extract_batch`` and ``extract_lines`` take many reports. The readers
it combines (language, dates, casualties, places, perpetrators, relevance, types, themes) are modules of
this package.
"""

from marsad.monitor.extract import FIELDS, IncidentRecord, extract, extract_batch, extract_lines, extract_report

__all__ = ["FIELDS", "IncidentRecord", "extract", "extract_batch", "extract_lines", "extract_report"]
