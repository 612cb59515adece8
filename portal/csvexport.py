"""CSV the portal writes for others to open: cells a spreadsheet would run as a formula are defused.

A cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some
spreadsheets skip before looking for one) is a formula to Excel and LibreOffice: an entry named
``=HYPERLINK(…)`` in the open-data export would run on the computer of whoever opens the file
(OWASP "CSV injection"). Such a cell gets a leading apostrophe, which spreadsheets show as text.
Every CSV the portal writes goes through ``writer()``.
"""

import csv

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """``value`` as written to a CSV cell; text a spreadsheet would evaluate gets a ``'`` first."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _SafeWriter:
    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row):
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(file, *args, **kwargs):
    """``csv.writer(file, …)`` whose rows have every cell passed through ``safe_cell``."""
    return _SafeWriter(csv.writer(file, *args, **kwargs))
