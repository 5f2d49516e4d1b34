"""Question files: GIFT (read and written), Aiken and Moodle XML (read)."""
