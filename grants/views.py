"""Thin views of the grants app: public calls and decisions, open data, the applicant's pages."""

from django.http import Http404


def round_list(request):
    raise Http404


def round_detail(request, slug):
    raise Http404


def decision_list(request):
    raise Http404


def decisions_json(request):
    raise Http404


def decisions_csv(request):
    raise Http404


def application_detail(request, pk):
    raise Http404
