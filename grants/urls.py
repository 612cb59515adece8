from django.urls import path

from grants import views

app_name = "grants"

urlpatterns = [
    path("", views.round_list, name="round-list"),
    path("calls/<slug:slug>/", views.round_detail, name="round-detail"),
    path("calls/<slug:slug>/apply/", views.application_create, name="application-create"),
    path("calls/<slug:slug>/copy/", views.application_copy, name="application-copy"),
    path("offers/<int:pk>/", views.offer_detail, name="offer-detail"),
    path("decisions/", views.decision_list, name="decision-list"),
    path("decisions.json", views.decisions_json, name="decisions-json"),
    path("decisions.csv", views.decisions_csv, name="decisions-csv"),
    path("applications/", views.my_applications, name="my-applications"),
    path("applications/<int:pk>/", views.application_detail, name="application-detail"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application-edit"),
    path("applications/<int:pk>/autosave/", views.application_autosave, name="application-autosave"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw, name="application-withdraw"),
    path("applications/<int:pk>/attachments/", views.attachment_add, name="attachment-add"),
    path(
        "applications/<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment-download",
    ),
    path("applications/<int:pk>/decision.pdf", views.decision_letter, name="decision-letter"),
    path("applications/<int:pk>/report/", views.report_form, name="report"),
    path("applications/<int:pk>/messages/", views.message_post, name="message-post"),
    path("reviews/<int:pk>/", views.review, name="review"),
    path("manage/<slug:slug>/", views.round_manage, name="round-manage"),
    path("manage/<slug:slug>/<int:pk>/", views.round_manage_application, name="round-manage-application"),
]
