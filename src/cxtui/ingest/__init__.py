"""Folder → SQLite: readers find records, normalise validates them, the loader stores them."""
