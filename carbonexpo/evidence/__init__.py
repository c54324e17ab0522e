"""Evidence packs: one zip an auditor takes away (the event's inputs, every evidence file, the
factor data and rule packs the result was computed with, the result and the reports, a signed
manifest), and its verification: every hash, the signature, and the calculation re-run from the
pack alone (docs/evidence.md)."""
