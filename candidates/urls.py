from django.urls import path

from candidates import report_views, views

app_name = "candidates"
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("", views.candidate_index, name="list"),
    path("export.<str:fmt>", views.candidate_export, name="export"),
    path("slips/", views.slip_index, name="slips"),
    path("consistency/", views.consistency_index, name="consistency"),
    path("new/", views.candidate_new, name="create"),
    path("<int:pk>/", views.candidate_show, name="detail"),
    path("<int:pk>/edit/", views.candidate_edit, name="edit"),
    path("<int:pk>/transitions/", views.transition_new, name="transition_create"),
    path("<int:pk>/milestones/new/", views.milestone_new, name="milestone_create"),
    path("<int:pk>/progress/new/", views.progress_new, name="progress_create"),
    path("milestones/<int:pk>/", views.milestone_edit, name="milestone_update"),
    path("milestones/<int:pk>/baseline/", views.milestone_rebaseline, name="milestone_rebaseline"),
    path("ministries/<int:pk>/", views.ministry_show, name="ministry"),
    path("reports/", report_views.report_index, name="reports"),
    path("reports/<int:pk>/status/", report_views.report_status, name="report_status"),
    path("reports/<int:pk>/download/", report_views.report_download, name="report_download"),
    path("reports/<int:pk>/delete/", report_views.report_delete, name="report_delete"),
]
