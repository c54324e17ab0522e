"""Signed, offline-verifiable carbon-neutrality certificates (spec §8)."""
