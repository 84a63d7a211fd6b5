from django.urls import path

from hearings import request_views, views

app_name = "hearings"
urlpatterns = [
    path("", views.meeting_index, name="list"),
    path("search/", views.search, name="search"),
    path("new/", views.meeting_new, name="create"),
    path("import/", views.minutes_import, name="import"),
    path("<int:pk>/", views.meeting_show, name="detail"),
    path("<int:pk>/edit/", views.meeting_edit, name="edit"),
    path("<int:pk>/delete/", views.meeting_delete, name="delete"),
    path("<int:pk>/materials/", views.material_new, name="material_create"),
    path("<int:pk>/decisions/new/", views.decision_new, name="decision_create"),
    path(
        "<int:pk>/materials/<int:material_pk>/download/",
        views.material_download,
        name="material_download",
    ),
    path("entries/<int:pk>/candidates/", views.entry_link, name="entry_link"),
    path("agenda/<int:pk>/candidates/", views.agenda_link, name="agenda_link"),
    path("requests/", request_views.request_index, name="requests"),
    path("requests/<int:pk>/", request_views.request_show, name="request_detail"),
    path("entries/<int:pk>/requests/new/", request_views.request_new, name="request_create"),
    path("requests/<int:pk>/answer/", request_views.request_answer, name="request_answer"),
    path("requests/<int:pk>/close/", request_views.request_close, name="request_close"),
]
