from django.urls import path

from portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("city.css", views.city_css, name="city-css"),
    path("contacts/", views.contact_list, name="contacts"),
    path("forums/", views.forum_list, name="forums"),
    path("forums/<slug:slug>/", views.forum_detail, name="forum-detail"),
    path("pages/<slug:slug>/", views.page_detail, name="page"),
    path("mine/", views.my_page, name="mine"),
    path("mine/data.json", views.my_data_download, name="my-data"),
    path("mine/delete/", views.my_account_delete, name="account-delete"),
]
