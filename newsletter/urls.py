from django.urls import path

from newsletter import feeds, views

app_name = "newsletter"

urlpatterns = [
    path("", views.archive, name="archive"),
    path("<int:year>/", views.archive_year, name="archive-year"),
    path("<int:year>-<int:number>/", views.issue_detail, name="issue-detail"),
    # The addresses before issue numbers (/2026/<id>/) lead to the issue's numbered address.
    path("<int:year>/<int:pk>/", views.issue_old_address, name="issue-old-address"),
    path("feed/", feeds.IssueFeed(), name="feed"),
    path("feed/atom/", feeds.IssueAtomFeed(), name="feed-atom"),
    path("subscribe/", views.subscribe, name="subscribe"),
    path("subscribe/thanks/", views.subscribe_done, name="subscribe-done"),
    path("subscribe/account/", views.subscribe_account, name="subscribe-account"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("preferences/<str:token>/", views.preferences, name="preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
