"""Cohorts: a course's learners in a group a program director follows (rosters, due dates,
the dashboard, exports). A package of courses, not an app: its models are courses' tables."""
