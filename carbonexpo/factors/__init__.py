"""Shipped emission-factor sets: loading, provenance, and key resolution."""
