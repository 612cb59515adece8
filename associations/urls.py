from django.urls import include, path

from associations import views

app_name = "associations"

# Fixed paths come before "<slug>/"; services.registry.unique_slug never hands out these words as slugs.
urlpatterns = [
    path("", views.directory, name="directory"),
    path("export.csv", views.directory_csv, name="export-csv"),
    path("export.json", views.directory_json, name="export-json"),
    path("represent/", views.represent, name="represent"),
    path("new/", views.create, name="create"),
    path("acting-for/", views.acting_for, name="acting-for"),
    path("confirm/<str:token>/", views.confirm_token, name="confirm-token"),
    path("events/", views.event_list, name="event-list"),
    path("events.ics", views.event_ical, name="event-ical"),
    path("events/new/", views.event_create, name="event-create"),
    path("events/<int:pk>/", views.event_detail, name="event-detail"),
    path("events/<int:pk>/event.ics", views.event_ics, name="event-ics"),
    path("events/<int:pk>/edit/", views.event_edit, name="event-edit"),
    path("events/<int:pk>/delete/", views.event_delete, name="event-delete"),
    path("events/<int:pk>/poster/", views.event_poster, name="event-poster"),
    path("agreements/", views.agreement_list, name="agreement-list"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement-detail"),
    path("agreements/<int:pk>/document/", views.agreement_document, name="agreement-document"),
    path("hearings/", include("associations.hearings.urls")),
    path("cooperation/", include("associations.cooperation.urls")),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/logo/", views.logo, name="logo"),
    path("<slug:slug>/edit/", views.edit, name="edit"),
    path("<slug:slug>/confirm/", views.confirm, name="confirm"),
    path("<slug:slug>/claim/", views.claim, name="claim"),
    path("<slug:slug>/leave/", views.leave, name="leave"),
    path("<slug:slug>/members/", views.members, name="members"),
    path("<slug:slug>/members/<int:pk>/approve/", views.member_approve, name="member-approve"),
    path("<slug:slug>/members/<int:pk>/reject/", views.member_reject, name="member-reject"),
    path("<slug:slug>/members/<int:pk>/role/", views.member_role, name="member-role"),
    path("<slug:slug>/members/<int:pk>/remove/", views.member_remove, name="member-remove"),
]

RESERVED_SLUGS = {
    "represent",
    "new",
    "acting-for",
    "confirm",
    "events",
    "agreements",
    "export",
    "hearings",
    "cooperation",
}
