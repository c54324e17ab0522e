"""The package version: one home, below every layer (the result records it; the build reads it)."""

__version__ = "0.1.0"
