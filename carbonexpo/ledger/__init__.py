"""The venue ledger: meters, readings and cross-event claims in one SQLite file (spec §7)."""
