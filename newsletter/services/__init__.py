"""Writes of the newsletter, one module per job.

- ``subscriptions``: double opt-in, preferences, unsubscribing, purging unconfirmed requests
- ``drafting``: an issue's rules, its draft from the calendar, scheduling, test sends
- ``delivery``: sending an issue exactly once per reader, in batches, and the periodic sweep

Import from the module that does the job (``from newsletter.services import delivery``);
this package re-exports nothing.
"""
