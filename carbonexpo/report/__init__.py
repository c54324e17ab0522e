"""Renderers: a computed result in, HTML / Markdown / PDF out. Nothing here computes a total."""
