"""Writes for cohorts: creating them, rosters and invitations, due dates, exports."""
