"""Reproducible measurements against a baseline in the same run (DESIGN.md section 8)."""
