from django.urls import path

from reef.frameworks import views

app_name = "frameworks"
urlpatterns = [
    path("", views.framework_list, name="framework_list"),
    path("<slug:slug>/<str:version>/", views.framework_detail, name="framework_detail"),
    path(
        "<slug:slug>/<str:version>/download/", views.framework_download, name="framework_download"
    ),
]
