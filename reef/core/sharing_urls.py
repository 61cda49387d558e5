from __future__ import annotations

from django.urls import path

from reef.core import sharing_views

urlpatterns = [
    path("<str:kind>/<int:pk>/", sharing_views.sharing_page, name="sharing"),
]
