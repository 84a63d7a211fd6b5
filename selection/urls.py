from django.urls import path

from selection import views

app_name = "selection"
urlpatterns = [
    path("rounds/", views.round_list, name="round_list"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/drafts/new/", views.draft_create, name="draft_create"),
    path("rounds/<int:pk>/decision/", views.round_decide, name="round_decide"),
    path("rounds/drafts/<int:pk>/", views.draft_assess, name="draft_assess"),
    path("proposals/", views.proposal_list, name="proposal_list"),
    path("proposals/new/", views.proposal_create, name="proposal_create"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/triage/", views.proposal_triage, name="proposal_triage"),
    path("proposals/attachments/<int:pk>/", views.proposal_attachment, name="proposal_attachment"),
]
