"""Forms of cooperation beside the partnership agreements (issue 14, except hearings).

Joint projects (yhteishankkeet), requests to the city (letters of recommendation or intent,
patronage, media patronage, event cooperation) with one state machine, the city's events that
associations sign up for, and local initiatives of residents and informal groups. A sub-package
of ``associations``, as ``portal.programme`` is of ``portal``: ``associations/models.py`` imports
its models, and ``associations/urls.py`` includes its URLs under ``cooperation/``.
"""
