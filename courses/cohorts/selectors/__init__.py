"""Reads for cohorts: access, the dashboard, learners, exports."""
