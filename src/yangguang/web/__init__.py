"""The web layer: public portal, staff workspace and the REST API (``/api/v1``), one FastAPI app."""
