"""Writes for certificates by concern: credit, issue, notify, corrections, batches."""
