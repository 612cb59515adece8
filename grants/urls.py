from django.urls import path

from grants import views

app_name = "grants"

urlpatterns = [
    path("", views.round_list, name="round-list"),
    path("calls/<slug:slug>/", views.round_detail, name="round-detail"),
    path("decisions/", views.decision_list, name="decision-list"),
    path("decisions.json", views.decisions_json, name="decisions-json"),
    path("decisions.csv", views.decisions_csv, name="decisions-csv"),
    path("applications/<int:pk>/", views.application_detail, name="application-detail"),
]
