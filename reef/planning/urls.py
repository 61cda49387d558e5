from django.urls import path

from reef.planning import views

app_name = "planning"
urlpatterns = [
    path("", views.index, name="index"),
    path("plans/new/", views.plan_new, name="plan_new"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/priorities/", views.plan_priorities, name="plan_priorities"),
    path("plans/<int:pk>/priorities/score/", views.plan_prioritise, name="plan_prioritise"),
    path("plans/<int:pk>/priorities/move/", views.plan_move, name="plan_move"),
    path("plans/<int:pk>/priorities/confirm/", views.plan_confirm, name="plan_confirm"),
    path("plans/<int:pk>/priorities/weights/", views.plan_weights, name="plan_weights"),
    path("plans/<int:pk>/timeline/", views.plan_timeline, name="plan_timeline"),
    path("plans/<int:pk>/risks/", views.plan_risks, name="plan_risks"),
    path("plans/<int:pk>/risks/new/", views.risk_create, name="risk_create"),
    path("risks/<int:pk>/edit/", views.risk_edit, name="risk_edit"),
    path("plans/<int:pk>/needs/new/", views.need_new, name="need_new"),
    path("plans/<int:pk>/export.<str:fmt>", views.plan_export, name="plan_export"),
    path("import/", views.plan_import, name="plan_import"),
    path("needs/", views.need_list, name="need_list"),
    path("needs/<int:pk>/", views.need_detail, name="need_detail"),
    path("needs/<int:pk>/rate/", views.need_rate, name="need_rate"),
    path("needs/<int:pk>/edit/", views.need_edit, name="need_edit"),
    path("needs/<int:pk>/publish/", views.need_publish, name="need_publish"),
    path("needs/<int:pk>/offer/", views.need_offer, name="need_offer"),
    path("needs/<int:pk>/actions/new/", views.action_create, name="action_create"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("actions/<int:pk>/progress/", views.action_progress, name="action_progress"),
    path(
        "actions/<int:pk>/sustainability/",
        views.action_sustainability,
        name="action_sustainability",
    ),
    path("actions/<int:pk>/milestones/new/", views.milestone_create, name="milestone_create"),
    path("milestones/<int:pk>/done/", views.milestone_done, name="milestone_done"),
    path("commitments/<int:pk>/", views.commitment_detail, name="commitment_detail"),
    path("my-commitments/", views.my_commitments, name="my_commitments"),
    path(
        "commitments/<int:pk>/transition/",
        views.commitment_transition,
        name="commitment_transition",
    ),
    path("regional/<int:pk>/", views.regional, name="regional"),
    path("themes/", views.themes, name="themes"),
    path("twinning/", views.twinning, name="twinning"),
    path("twinning/link/", views.twinning_link, name="twinning_link"),
]
