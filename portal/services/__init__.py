"""Writes of the portal core, a module per job: ``account_deletion`` (delete my account)."""
