"""Hearings' URLs, included from ``associations/urls.py`` under ``hearings/`` (names in the
``associations`` namespace: ``associations:hearing-list`` …)."""

from django.urls import path

from associations.hearings import views

urlpatterns = [
    path("", views.hearing_list, name="hearing-list"),
    path("<int:pk>/", views.hearing_detail, name="hearing-detail"),
    path("<int:pk>/answer/", views.hearing_answer, name="hearing-answer"),
    path("<int:pk>/comment/", views.hearing_comment, name="hearing-comment"),
    path("<int:pk>/documents/<int:document_pk>/", views.hearing_document, name="hearing-document"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        views.hearing_answer_attachment,
        name="hearing-answer-attachment",
    ),
]
