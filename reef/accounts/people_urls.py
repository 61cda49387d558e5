"""People pages, mounted at /people/ (see reef/accounts/members.py)."""

from django.urls import path

from reef.accounts import members

app_name = "people"
urlpatterns = [
    path("", members.index, name="index"),
    path("places/<str:kind>/<str:key>/", members.members, name="members"),
    path("places/<str:kind>/<str:key>/invite/", members.invite, name="invite"),
    path("memberships/<int:pk>/role/", members.membership_role, name="membership_role"),
    path("memberships/<int:pk>/revoke/", members.membership_remove, name="membership_remove"),
    path("invitations/<int:pk>/withdraw/", members.invitation_withdraw, name="invitation_withdraw"),
    path("invitation/<str:secret>/", members.invitation_open, name="invitation_accept"),
    path("users/", members.users, name="users"),
    path("users/<int:pk>/deactivate/", members.user_deactivate_view, name="user_deactivate"),
    path("audit/", members.audit, name="audit"),
]
