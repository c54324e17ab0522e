"""Exhibitor booth footprints: quick estimates, data forms, statements (issue 9)."""
