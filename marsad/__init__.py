"""Marsad (مرصد, "observatory"): regional counter-terrorism information exchange, monitoring and analysis.

Layers, each importing only those before it::

    model → store → access → exchange | monitor | analysis | plan → web | cli

Errors: see :mod:`marsad.errors` for the one exception tree.
"""

from marsad.config import Settings, load_settings
from marsad.errors import MarsadError

__all__ = ["__version__", "Settings", "load_settings", "MarsadError"]

__version__ = "0.1.0"
