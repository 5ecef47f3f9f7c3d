"""Marsad's TAXII 2.1 server logic, independent of HTTP: media types, filters, resources, access, reads, writes.

Why a package: the TAXII specification has many small rules (section 3 media types and filters, section 4
server resources, section 5 collection endpoints); one module per concern keeps each small and testable.
The FastAPI routes in :mod:`marsad.web.routes_taxii` only map HTTP onto these functions.
"""

__all__: list[str] = []
