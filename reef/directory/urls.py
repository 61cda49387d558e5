from django.urls import path

from reef.directory import views

app_name = "directory"
urlpatterns = [
    path("countries/", views.country_list, name="country_list"),
    path("countries/<str:code>/", views.country_detail, name="country_detail"),
    path("groupings/<slug:slug>/", views.grouping_detail, name="grouping_detail"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
    path(
        "organisations/<slug:slug>/members/",
        views.consortium_members,
        name="consortium_members",
    ),
    path(
        "organisations/<slug:slug>/members/set/",
        views.consortium_member,
        name="consortium_member",
    ),
]
