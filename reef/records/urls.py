from django.urls import path

from reef.records import event_parts, views

app_name = "records"
urlpatterns = [
    path("", views.index, name="index"),
    path("events/", views.event_list, name="event_list"),
    path("events/calendar.ics", views.events_ical, name="events_ical"),
    path("events/new/", views.event_create, name="event_create"),
    path("events/<slug:slug>/", views.event_detail, name="event_detail"),
    path("events/<slug:slug>/files/<uuid:uid>/", views.event_file, name="event_file"),
    path("events/<slug:slug>/upload/", views.event_upload, name="event_upload"),
    path("events/<slug:slug>/publish/", views.event_publish, name="event_publish"),
    path("events/<slug:slug>/translate/", views.event_translate, name="event_translate"),
    path("events/<slug:slug>/sessions/new/", event_parts.session_add, name="session_add"),
    path(
        "events/<slug:slug>/participants/new/",
        event_parts.participant_add,
        name="participant_add",
    ),
    path("events/<slug:slug>/outcomes/new/", event_parts.outcome_add, name="outcome_add"),
    path("publications/", views.publication_list, name="publication_list"),
    path("publications/new/", views.publication_create, name="publication_create"),
    path("publications/<slug:slug>/", views.publication_detail, name="publication_detail"),
    path("publications/<slug:slug>/file/", views.publication_file, name="publication_file"),
    path("publications/<slug:slug>/upload/", views.publication_upload, name="publication_upload"),
    path(
        "publications/<slug:slug>/workflow/",
        views.publication_workflow,
        name="publication_workflow",
    ),
    path("briefings/", views.briefing_list, name="briefing_list"),
    path("briefings/new/", views.briefing_create, name="briefing_create"),
    path("briefings/<slug:slug>/", views.briefing_detail, name="briefing_detail"),
    path("briefings/<slug:slug>/edit/", views.briefing_edit, name="briefing_edit"),
    path("countries/", views.regional, name="regional"),
    path("countries/<str:code>/", views.country_detail, name="country_detail"),
    path("feed/", views.feed, name="feed"),
    path("feed/<str:code>/", views.feed, name="country_feed"),
    path("search/", views.search, name="search"),
    path("data/", views.data_index, name="data_index"),
    path("data/dictionary.json", views.data_dictionary_json, name="data_dictionary_json"),
    path("data/<slug:dataset>.<slug:fmt>", views.data_download, name="data_download"),
    path(
        "data/snapshots/<str:date>/<slug:dataset>.<slug:fmt>",
        views.snapshot_download,
        name="snapshot_download",
    ),
]
