from django.urls import path

from adoption import views

app_name = "adoption"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("candidates/<int:pk>/prefectures/<str:code>/", views.prefecture, name="prefecture"),
    path("<int:pk>/survey/", views.survey_upload, name="survey"),
    path("<int:pk>/survey.xlsx", views.survey_download, name="survey_download"),
    path("<int:pk>/<str:code>/", views.adoption_edit, name="edit"),
]
