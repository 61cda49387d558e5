from django.urls import path

from reef.hub import views

app_name = "hub"
urlpatterns = [
    path("countries/<str:code>/", views.country_hub, name="country"),
]
