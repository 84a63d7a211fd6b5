from django.urls import path

from consultations import views

app_name = "consultations"
urlpatterns = [
    path("", views.consultation_list, name="list"),
    path("new/", views.consultation_create, name="create"),
    path("<int:pk>/", views.consultation_detail, name="detail"),
    path("<int:pk>/edit/", views.consultation_edit, name="edit"),
    path("<int:pk>/close/", views.consultation_close, name="close"),
    path("<int:pk>/hearings/", views.hearing_link, name="hearing_link"),
    path("<int:pk>/responses/", views.response_create, name="respond"),
    path("<int:pk>/progress/", views.consultation_progress, name="progress"),
    path("<int:pk>/opinions/", views.opinion_list, name="opinions"),
    path("<int:pk>/results.xlsx", views.consultation_results, name="results"),
    path("<int:pk>/bulk/", views.bulk_answers, name="bulk"),
    path("<int:pk>/bulk.xlsx", views.bulk_download, name="bulk_download"),
    path("<int:pk>/bodies/<str:code>/", views.answer_body, name="answer_body"),
    path("<int:pk>/associations/<slug:slug>/", views.answer_association, name="answer_association"),
]
