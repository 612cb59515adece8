from django.urls import path

from annualclock import views

app_name = "annualclock"

urlpatterns = [
    # ``annualclock:year`` without a year is this year's wheel (the main navigation links it).
    path("", views.year_wheel, name="year"),
    path("<int:year>/", views.year_wheel, name="year"),
    path("<int:year>/list/", views.year_list, name="year-list"),
    path("<int:year>/print/", views.year_print, name="year-print"),
    path("entries/<int:pk>/", views.entry_detail, name="entry-detail"),
    path("meetings/", views.meeting_list, name="meeting-list"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("meetings/<int:pk>/answer/", views.meeting_answer, name="meeting-answer"),
    path("meetings/<int:meeting_pk>/materials/<int:pk>/", views.material_download, name="material-download"),
    path("answer/<str:token>/", views.answer_by_link, name="answer"),
    path("calendar.ics", views.ical_feed, name="ical"),
    path("calendar/<slug:kind>.ics", views.ical_feed, name="ical-kind"),
]
