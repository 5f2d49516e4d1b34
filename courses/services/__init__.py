"""Writes for courses: enrolment and lessons read, the progress read model and completion."""
