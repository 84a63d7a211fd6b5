from django.urls import path

from bodies import views

app_name = "bodies"
urlpatterns = [
    path("seats/", views.seat_index, name="seat_list"),
    path("seats/new/", views.seat_new, name="seat_create"),
    path("seats/<int:pk>/", views.seat_edit, name="seat_edit"),
    path("seats/<int:pk>/terms/", views.term_new, name="term_create"),
]
