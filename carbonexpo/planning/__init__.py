"""Planning: what-if scenarios and comparisons (spec §13)."""
