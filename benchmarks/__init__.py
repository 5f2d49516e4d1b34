"""Reproducible measurements against a baseline in the same run; each result states its budget."""
