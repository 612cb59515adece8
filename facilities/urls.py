from django.urls import path

from facilities import views

app_name = "facilities"

urlpatterns = [
    path("", views.catalogue, name="facility-list"),
    path("bookings/", views.booking_list, name="booking-list"),
    path("bookings/calendar-link/", views.booker_feed_renew, name="booker-feed-renew"),
    path("bookings/feed/<str:token>/bookings.ics", views.booker_ics, name="booker-ics"),
    path("bookings/<int:pk>/cancel/", views.booking_cancel, name="booking-cancel"),
    path("bookings/<int:pk>/feedback/", views.booking_feedback, name="booking-feedback"),
    path("bookings/<int:pk>/booking.ics", views.booking_ics, name="booking-ics"),
    path("spaces/<slug:slug>/", views.space_detail, name="space-detail"),
    path("spaces/<slug:slug>/book/", views.booking_create, name="booking-create"),
    path("spaces/<slug:slug>/watch/", views.slot_watch, name="slot-watch"),
    path("spaces/<slug:slug>/calendar.ics", views.space_ics, name="space-ics"),
    path("rounds/", views.round_list, name="round-list"),
    path("leases/<int:pk>/document/", views.lease_document, name="lease-document"),
    path("rounds/<int:pk>/apply/", views.round_apply, name="round-apply"),
]
