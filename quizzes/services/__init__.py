"""Writes for quizzes by concern: attempts, responses, grading, overrides, authoring."""
