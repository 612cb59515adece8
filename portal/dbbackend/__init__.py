"""The database backend: Django's PostgreSQL backend with one addition (see ``base``)."""
