"""Readers: files in, validated tables and configuration out. Nothing here computes emissions."""
