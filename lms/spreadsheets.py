"""Text written into files people open in a spreadsheet."""

# A cell starting with one of these is run as a formula by Excel, LibreOffice and Sheets.
FORMULA_STARTS = "=+-@\t\r"


def spreadsheet_text(value: str) -> str:
    """The value as a spreadsheet shows it as text: a name like "=HYPERLINK(...)" is not run."""
    if value and value[0] in FORMULA_STARTS:
        return "'" + value
    return value
