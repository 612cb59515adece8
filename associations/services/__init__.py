"""Writes of the association registry, one module per job.

- ``registry``: entries — add, edit, confirm the profile, staff moderation, yearly reminders
- ``memberships``: representatives — claims, decisions, roles, leaving
- ``events``: events and project news — post, edit, moderation
- ``agreements``: partnership agreements — the annual discussion's reminders
- ``register_import``: the PRH register extract

Import from the module that does the job (``from associations.services import registry``,
``registry.association_create(...)``); this package re-exports nothing.
"""
