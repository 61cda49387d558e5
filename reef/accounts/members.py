"""People pages: a place's members and invitations, accepting an invitation, leaving,
and the administrators' pages (accounts, audit trail).

Every write goes through the services in people.py and services.py; which buttons
show is decided by the same rules the services require (reef/accounts/rules.py).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from allauth.mfa.utils import is_mfa_enabled
from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from reef.accounts import rules
from reef.accounts.models import Invitation, Membership, User
from reef.accounts.people import (
    INVITATION,
    invitation_accept,
    invitation_create,
    invitation_find,
    invitation_revoke,
    last_manager,
    membership_grant,
    membership_revoke,
)
from reef.accounts.selectors import (
    Place,
    invitation_visible,
    managed_place,
    membership_visible,
    place_kwargs,
    place_members,
    place_pending_invitations,
    place_ref,
    places_managed,
    roles_for,
)
from reef.accounts.services import user_create, user_deactivate
from reef.core.access import scope_for
from reef.core.http import signed_in_user
from reef.core.models import AuditEntry
from reef.core.roles import RANKED_ROLES, Role
from reef.core.routes import Rule, access
from reef.core.rules import allowed
from reef.core.scope import email_verified
from reef.core.servicecall import call_service
from reef.core.tlp import TLP


def _place_url(place: Place) -> str:
    kind, key = place_ref(place)
    return reverse("people:members", kwargs={"kind": kind, "key": key})


def _managed_place(request: HttpRequest, kind: str, key: str) -> Place:
    """The place, if the signed-in user may manage its members; else 404."""
    place = managed_place(request.user, kind, key)
    if place is None:
        raise Http404
    return place


class InviteForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-mail address"), max_length=254)
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=[])

    def __init__(self, *args: Any, roles: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = roles  # type: ignore[attr-defined]


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=[(r.value, r.label) for r in RANKED_ROLES])


class AcceptForm(forms.Form):
    """A new account for the invited address."""

    display_name = forms.CharField(label=gettext_lazy("Your name"), max_length=150, required=False)
    password1 = forms.CharField(label=gettext_lazy("Password"), widget=forms.PasswordInput)
    password2 = forms.CharField(label=gettext_lazy("Password (again)"), widget=forms.PasswordInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The passwords differ."))
        return data


@access(Rule.SIGNED_IN)
@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Your roles (and leaving them), the places whose members you manage, and, for
    administrators, every place and the administration pages."""
    user = signed_in_user(request)
    scope = scope_for(user)
    mine = user.memberships.select_related("country", "organisation", "grouping")
    countries, organisations, groupings = places_managed(user)
    return render(
        request,
        "accounts/members/index.html",
        {
            "memberships": [
                (
                    m,
                    allowed(rules.may_revoke, user, m)
                    and m.role != Role.ADMIN
                    and not last_manager(m),
                )
                for m in mine
            ],
            "countries": [(c, _place_url(c)) for c in countries],
            "organisations": [(o, _place_url(o)) for o in organisations],
            "groupings": [(g, _place_url(g)) for g in groupings],
            "is_admin": scope.is_admin,
            "verified": email_verified(user),
        },
    )


@access(Rule.SERVICE)
@login_required
def members(request: HttpRequest, kind: str, key: str) -> HttpResponse:
    """A place's members and pending invitations, for its managers and administrators."""
    place = _managed_place(request, kind, key)
    user = signed_in_user(request)
    where = place_kwargs(place)
    held = place_members(place)
    rows = []
    for m in held:
        # The last manager cannot leave or step down (the service refuses): no button.
        stuck = m.user_id == user.pk and last_manager(m)
        rows.append(
            {
                "m": m,
                "verified": m.user_verified,  # type: ignore[attr-defined]  # place_members
                "may_revoke": allowed(rules.may_revoke, user, m) and not stuck,
                "roles": [
                    (value, label)
                    for value, label in roles_for(place)
                    if allowed(rules.may_grant, user, rules.Grant.of(m, role=value))
                    and not (stuck and value != m.role)
                ],
            }
        )
    pending = place_pending_invitations(place)
    roles = [
        (value, label)
        for value, label in roles_for(place)
        if allowed(rules.may_grant, user, rules.Grant.place(**where, role=value))
    ]
    return render(
        request,
        "accounts/members/members.html",
        {
            "place": place,
            "kind": kind,
            "key": key,
            "rows": rows,
            "pending": pending,
            "form": InviteForm(roles=roles),
            "may_invite": bool(roles),
        },
    )


@access(Rule.SERVICE)
@login_required
@require_POST
def invite(request: HttpRequest, kind: str, key: str) -> HttpResponse:
    place = _managed_place(request, kind, key)
    user = signed_in_user(request)
    form = InviteForm(request.POST, roles=roles_for(place))
    if form.is_valid():
        call_service(
            request,
            lambda: invitation_create(
                actor=user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                **place_kwargs(place),
            ),
            _("The invitation was sent."),
        )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect(_place_url(place))


def _membership(request: HttpRequest, pk: int) -> Membership:
    """A membership the signed-in user may see: their own, or one of a place they manage."""
    m = membership_visible(request.user, pk)
    if m is None:
        raise Http404
    return m


@access(Rule.SERVICE)
@login_required
@require_POST
def membership_role(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a member's role in the same place."""
    m = _membership(request, pk)
    user = signed_in_user(request)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role."))
    else:
        call_service(
            request,
            lambda: membership_grant(
                user=m.user,
                role=form.cleaned_data["role"],
                actor=user,
                country=m.country,
                organisation=m.organisation,
                grouping=m.grouping,
            ),
            _("The role was changed."),
        )
    if m.user_id == user.pk and not allowed(rules.may_manage_members, user, rules.Grant.of(m)):
        return redirect("people:index")
    return redirect(_place_url(m.target))


@access(Rule.SERVICE)
@login_required
@require_POST
def membership_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke a member's role, or leave (one's own)."""
    m = _membership(request, pk)
    user = signed_in_user(request)
    leaving = m.user_id == user.pk
    target = m.target
    done = call_service(
        request,
        lambda: membership_revoke(membership=m, actor=user),
        _("You left.") if leaving else _("The role was revoked."),
    )
    if leaving or target is None or not done:
        if not leaving and target is not None:
            return redirect(_place_url(target))
        return redirect("people:index")
    return redirect(_place_url(target))


@access(Rule.SERVICE)
@login_required
@require_POST
def invitation_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = invitation_visible(request.user, pk)
    if invitation is None:
        raise Http404
    user = signed_in_user(request)
    call_service(
        request,
        lambda: invitation_revoke(invitation=invitation, actor=user),
        _("The invitation was withdrawn."),
    )
    return redirect(_place_url(invitation.target))


def _after_accept(user: User) -> HttpResponse:
    if not is_mfa_enabled(user, ["totp"]):
        # The role takes effect once two-factor authentication is set up.
        return redirect("mfa_activate_totp")
    return redirect("people:index")


@access(Rule.PUBLIC)
def invitation_open(request: HttpRequest, secret: str) -> HttpResponse:
    """The invitation link: sign up (or sign in), then accept; then set up MFA."""
    invitation = invitation_find(secret)
    if invitation is None:
        raise Http404
    context: dict[str, Any] = {"invitation": invitation, "status": invitation.status}
    if invitation.status != Invitation.Status.PENDING:
        return render(request, "accounts/members/invitation.html", context)
    user = request.user
    existing = User.objects.filter(email=invitation.email).exists()
    if user.is_authenticated:
        context["mismatch"] = user.email.lower() != invitation.email.lower()
        if request.method == "POST" and not context["mismatch"]:
            signed_in = signed_in_user(request)
            done = call_service(
                request,
                lambda: invitation_accept(secret=secret, user=signed_in),
                _("Welcome: the role is yours once two-factor authentication is set up."),
            )
            if done:
                return _after_accept(signed_in)
        return render(request, "accounts/members/invitation.html", context)
    if existing:
        context["sign_in_url"] = f"{reverse('account_login')}?next={request.path}"
        return render(request, "accounts/members/invitation.html", context)
    form = AcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created = call_service(
            request,
            lambda: _sign_up_and_accept(invitation.email, form.cleaned_data, secret),
            form=form,
        )
        if created.result is not None:
            new_user = created.result
            login(request, new_user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _("Welcome: the role is yours once two-factor authentication is set up."),
            )
            return _after_accept(new_user)
    context["form"] = form
    return render(request, "accounts/members/invitation.html", context)


def _sign_up_and_accept(email: str, data: dict[str, Any], secret: str) -> User:
    from django.db import transaction

    with transaction.atomic():
        user = user_create(
            email=email,
            password=data["password1"],
            display_name=data.get("display_name", ""),
            actor=INVITATION,
        )
        invitation_accept(secret=secret, user=user)
    return user


# ---------------------------------------------------------------- administrators


def _admin_only(request: HttpRequest, rule: Any) -> User:
    user = signed_in_user(request)
    if not allowed(rule, user):
        raise Http404
    return user


@access(Rule.SERVICE)
@login_required
def users(request: HttpRequest) -> HttpResponse:
    """Every account, for administrators: find one, see its roles, deactivate it."""
    me = _admin_only(request, rules.may_list_users)
    q = request.GET.get("q", "").strip()[:100]
    qs = User.objects.annotate(roles=Count("memberships")).order_by("email")
    if q:
        qs = qs.filter(Q(email__icontains=q) | Q(display_name__icontains=q))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/members/users.html",
        {
            "page": page,
            "q": q,
            "rows": [(u, u.is_active and allowed(rules.may_deactivate_user, me, u)) for u in page],
        },
    )


@access(Rule.SERVICE)
@login_required
@require_POST
def user_deactivate_view(request: HttpRequest, pk: int) -> HttpResponse:
    me = _admin_only(request, rules.may_list_users)
    target = User.objects.filter(pk=pk).first()
    if target is None:
        raise Http404
    call_service(
        request,
        lambda: user_deactivate(user=target, actor=me),
        _("%(email)s was deactivated: their sessions and API tokens have ended.")
        % {"email": target.email},
    )
    return redirect("people:users")


#: Details of entries about records an administrator may not read are withheld.
_READABLE_DETAIL = {"", TLP.CLEAR, TLP.GREEN}


@access(Rule.SERVICE)
@login_required
def audit(request: HttpRequest) -> HttpResponse:
    """The audit trail, newest first, filterable, for administrators."""
    _admin_only(request, rules.may_read_audit)
    qs = AuditEntry.objects.order_by("-id")  # newest first, sealed or not yet
    filters = {
        key: request.GET.get(key, "").strip()[:80]
        for key in ("action", "actor", "object_type", "object_id", "since", "until")
    }
    if filters["action"]:
        qs = qs.filter(action__startswith=filters["action"])
    if filters["actor"]:
        qs = qs.filter(actor__icontains=filters["actor"])
    if filters["object_type"]:
        qs = qs.filter(object_type=filters["object_type"])
    if filters["object_id"]:
        qs = qs.filter(object_id=filters["object_id"])
    since = parse_date(filters["since"]) if filters["since"] else None
    until = parse_date(filters["until"]) if filters["until"] else None
    bad_date = bool((filters["since"] and since is None) or (filters["until"] and until is None))
    if since:
        qs = qs.filter(at__date__gte=since)
    if until:
        qs = qs.filter(at__date__lte=until)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/members/audit.html",
        {
            "page": page,
            "filters": filters,
            "bad_date": bad_date,
            "entries": [(e, e.tlp in _READABLE_DETAIL) for e in page],
            "query": urlencode({k: v for k, v in filters.items() if v}),
        },
    )
