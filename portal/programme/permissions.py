"""Who sees the programme's dashboard and reports: the steering group only.

The steering group (ohjausryhmä; seed 000: the association cooperation group assesses the programme
yearly) holds ``portal.view_programme_report``; signing needs ``portal.change_report`` too.
Asking for the computed figures afresh (the dashboard's "recompute now") needs
``portal.change_report`` too: it is the secretary's, who generates and signs the reports.
All go through ``portal.permissions.staff_has_perm`` (TOTP required). Everybody else gets 404.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from portal.permissions import staff_has_perm
from portal.programme.models import Report

VIEW_PERM = "portal.view_programme_report"
SIGN_PERM = "portal.change_report"


def can_view_programme(user) -> bool:
    return staff_has_perm(user, VIEW_PERM)


def require_steering_group(user):
    if not can_view_programme(user):
        raise Http404


def can_sign(user) -> bool:
    return can_view_programme(user) and staff_has_perm(user, SIGN_PERM)


def report_for_steering_group(user, pk):
    require_steering_group(user)
    return get_object_or_404(Report.objects.select_related("programme", "signed_by"), pk=pk)


def can_recompute(user) -> bool:
    return can_sign(user)
