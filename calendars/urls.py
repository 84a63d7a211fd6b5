from django.urls import path

from calendars import views

app_name = "calendars"
urlpatterns = [
    path("", views.feed_settings, name="settings"),
    path("reset/", views.feed_reset, name="reset"),
    path("revoke/", views.feed_revoke, name="revoke"),
    path("<str:token>/mine.ics", views.my_feed, name="mine"),
    path("<str:token>/candidates/<int:pk>.ics", views.candidate_feed, name="candidate"),
]
