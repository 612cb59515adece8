"""Hearings (kuuleminen; konsultacje): the city asks associations about a draft or a development
question, associations answer for themselves, staff publish what was heard and how it was taken
into account (issue 14; seed 000 "Yhteistyö ja yhteiskehittäminen", seed 004 goal 3).

A sub-package of ``associations``, as ``portal.programme`` is of ``portal``: its models are
associations models (``associations/models.py`` imports them), its URLs are under
``/<lang>/associations/hearings/``, and it registers into the portal's registries through the
app's own ``calendar``, ``indicators`` and ``mine`` modules.
"""
