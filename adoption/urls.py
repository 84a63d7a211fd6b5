from django.urls import path

from adoption import views

app_name = "adoption"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("candidates/<int:pk>/prefectures/<str:code>/", views.prefecture, name="prefecture"),
]
