"""Reads for certificates by concern: learners, verification, cohorts, the sweeper."""
