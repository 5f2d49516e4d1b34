"""Reads for courses: the catalogue, a learner's own progress."""
