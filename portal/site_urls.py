from django.urls import path

from portal import views
from portal.programme import views as programme_views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("city.css", views.city_css, name="city-css"),
    path("contacts/", views.contact_list, name="contacts"),
    path("forums/", views.forum_list, name="forums"),
    path("forums/<slug:slug>/", views.forum_detail, name="forum-detail"),
    path("pages/<slug:slug>/", views.page_detail, name="page"),
    path("programme/surveys/", programme_views.survey_list, name="programme-surveys"),
    path("programme/surveys/<int:pk>/", programme_views.survey_answer, name="programme-survey"),
    path("programme/", programme_views.dashboard, name="programme-dashboard"),
    path("programme/figures/recompute/", programme_views.figures_recompute, name="programme-figures-recompute"),
    path("programme/values.csv", programme_views.values_csv, name="programme-values-csv"),
    path("programme/values/import/", programme_views.values_import, name="programme-values-import"),
    # Open data: the signed indicator values as a Frictionless data package (public).
    path("programme/<slug:slug>/data/datapackage.json", programme_views.open_datapackage, name="programme-datapackage"),
    path("programme/<slug:slug>/data/indicator-values.csv", programme_views.open_values_csv, name="programme-open-csv"),
    path("programme/reports/", programme_views.report_request, name="programme-report-request"),
    path("programme/reports/<int:pk>/", programme_views.report_detail, name="programme-report"),
    path("programme/reports/<int:pk>/pdf/", programme_views.report_pdf, name="programme-report-pdf"),
    path("programme/reports/<int:pk>/sign/", programme_views.report_sign, name="programme-report-sign"),
    path("mine/", views.my_page, name="mine"),
    path("mine/data.json", views.my_data_download, name="my-data"),
    path("mine/delete/", views.my_account_delete, name="account-delete"),
]
