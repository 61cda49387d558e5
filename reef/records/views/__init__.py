"""Pages of the public record. Thin: reads through selectors, writes through services.

One module per part of the record: `events` (the agenda, participants and outcomes
pages are in reef/records/event_parts.py), `publications`, `briefings`, `public` (the
index, the regional picture, countries, feeds, search) and `data` (open data); `common`
holds what they share. Every page is importable from here, as urls.py names them.
"""

from __future__ import annotations

from reef.records.views.briefings import (
    briefing_create,
    briefing_detail,
    briefing_edit,
    briefing_list,
)
from reef.records.views.common import PAGE_SIZE, actor_of
from reef.records.views.data import (
    data_dictionary_json,
    data_download,
    data_index,
    snapshot_download,
)
from reef.records.views.events import (
    event_create,
    event_detail,
    event_file,
    event_list,
    event_publish,
    event_translate,
    event_upload,
    events_ical,
)
from reef.records.views.public import (
    REGIONAL_BRIEFINGS,
    country_detail,
    feed,
    index,
    regional,
    search,
)
from reef.records.views.publications import (
    publication_create,
    publication_detail,
    publication_file,
    publication_list,
    publication_upload,
    publication_workflow,
)

__all__ = [
    "PAGE_SIZE",
    "REGIONAL_BRIEFINGS",
    "actor_of",
    "briefing_create",
    "briefing_detail",
    "briefing_edit",
    "briefing_list",
    "country_detail",
    "data_dictionary_json",
    "data_download",
    "data_index",
    "event_create",
    "event_detail",
    "event_file",
    "event_list",
    "event_publish",
    "event_translate",
    "event_upload",
    "events_ical",
    "feed",
    "index",
    "publication_create",
    "publication_detail",
    "publication_file",
    "publication_list",
    "publication_upload",
    "publication_workflow",
    "regional",
    "search",
    "snapshot_download",
]
