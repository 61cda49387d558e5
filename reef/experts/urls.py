from django.urls import path

from reef.experts import views

app_name = "experts"
urlpatterns = [
    path("", views.home, name="home"),
    path("profiles/<int:pk>/", views.profile_detail, name="profile_detail"),
    path("profiles/<int:pk>/growth/", views.growth, name="growth"),
    path("me/", views.me, name="me"),
    path("me/availability/", views.me_availability, name="me_availability"),
    path("me/conflicts/", views.me_conflict, name="me_conflict"),
    path(
        "me/availability/<int:pk>/remove/",
        views.me_availability_remove,
        name="me_availability_remove",
    ),
    path("me/conflicts/<int:pk>/remove/", views.me_conflict_remove, name="me_conflict_remove"),
    path("me/export/", views.me_export, name="me_export"),
    path("me/delete/", views.me_delete, name="me_delete"),
    path("notifications/", views.notifications, name="notifications"),
    path("missions/", views.mission_list, name="mission_list"),
    path("missions/new/", views.mission_new, name="mission_new"),
    path("missions/<int:pk>/", views.mission_detail, name="mission_detail"),
    path("missions/<int:pk>/propose/", views.mission_propose, name="mission_propose"),
    path("missions/<int:pk>/members/add/", views.mission_member_add, name="mission_member_add"),
    path(
        "missions/<int:pk>/members/<int:member_pk>/remove/",
        views.mission_member_remove,
        name="mission_member_remove",
    ),
    path("missions/<int:pk>/confirm/", views.mission_confirm, name="mission_confirm"),
    path("reviews/", views.round_list, name="round_list"),
    path("reviews/new/", views.round_new, name="round_new"),
    path("reviews/<int:pk>/", views.round_detail, name="round_detail"),
    path("reviews/<int:pk>/proposals/new/", views.proposal_new, name="proposal_new"),
    path("reviews/<int:pk>/open/", views.round_open, name="round_open"),
    path("reviews/<int:pk>/assign/", views.round_assign, name="round_assign"),
    path("reviews/<int:pk>/close/", views.round_close, name="round_close"),
    path("reviews/<int:pk>/window/", views.round_window, name="round_window"),
    path("assignments/<int:pk>/respond/", views.assignment_respond, name="assignment_respond"),
    path("assignments/<int:pk>/review/", views.review_form, name="review_form"),
    path("proposals/<int:pk>/feedback/", views.proposal_feedback, name="proposal_feedback"),
    path("mentoring/", views.mentoring, name="mentoring"),
    path("mentoring/propose/", views.mentoring_propose, name="mentoring_propose"),
]
