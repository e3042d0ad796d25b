"""Adapters that read real exports into the database; see load.py."""
