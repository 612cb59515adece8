"""The association cooperation programme as data (issue 12).

A ``Programme`` (seed 000: Pori 2026–2029; seed 004: Poznań) has focus areas, each with a goal
state, actions (with a status per year) and indicators. An indicator's value comes from the
indicator registry (``portal.registries``), from staff, or from a survey of the associations.
The steering group sees a dashboard and signs a yearly PDF report that freezes what it signed.
The models live in ``portal.programme.models`` and are imported by ``portal.models``, so Django
registers them in the ``portal`` app.
"""
