from django.urls import path

from municipalities import views

app_name = "municipalities"
urlpatterns = [
    path("", views.local_government_index, name="list"),
    path("associations/", views.association_index, name="association_list"),
    path("associations/<slug:slug>/", views.association_show, name="association_detail"),
    path("<str:code>/", views.local_government_show, name="detail"),
]
