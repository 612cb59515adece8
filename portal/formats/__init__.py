"""The portal's date and time formats, one per language (``FORMAT_MODULE_PATH``).

Each language writes a date one way on every page and in every e-mail: ``DATE_FORMAT`` and
``SHORT_DATE_FORMAT`` are the same, as are ``DATETIME_FORMAT`` and ``SHORT_DATETIME_FORMAT``.
Finnish and Finland-Swedish follow the Finnish standard (2.12.2026, klo/kl. 10.00); English follows
en-GB (2 December 2026, 10:00); Polish writes the month's genitive (2 grudnia 2026, 10:00).
``WEEKDAY_DATE_FORMAT`` is the portal's own name for a date with its weekday (events).
Input formats are not set here: Django's per-language input formats stay as they are.
"""
