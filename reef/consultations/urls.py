from django.urls import path

from reef.consultations import views

app_name = "consultations"
urlpatterns = [
    path("", views.consultation_list, name="list"),
    path("new/", views.consultation_create, name="create"),
    path("<int:pk>/", views.consultation_detail, name="detail"),
    path("<int:pk>/manage/", views.manage, name="manage"),
    path("<int:pk>/join/", views.participant_join, name="join"),
    path("<int:pk>/vote/", views.vote, name="vote"),
    path("<int:pk>/statements/", views.statement_list, name="statement_list"),
    path("<int:pk>/moderate/", views.moderate, name="moderate"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/window/", views.window, name="window"),
    path("<int:pk>/delphi/<int:number>/", views.delphi_round, name="delphi"),
    path("<int:pk>/draft/", views.draft, name="draft"),
    path("<int:pk>/draft/<int:number>/", views.section_detail, name="section"),
    path(
        "<int:pk>/amendments/<int:amendment_id>/decide/",
        views.amendment_decide,
        name="amendment_decide",
    ),
]
