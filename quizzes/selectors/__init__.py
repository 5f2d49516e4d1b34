"""Reads for quizzes by concern: access, a learner's settings, review, teaching, grading."""
