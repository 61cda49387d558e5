from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from reef.core.http import signed_in_user
from reef.core.routes import Rule, access
from reef.core.rules import allowed
from reef.core.servicecall import call_service
from reef.core.tlp import TLP
from reef.directory import rules, selectors, services
from reef.directory.models import Country, Organisation, OrganisationKind
from reef.directory.names import by_display_name


@access(Rule.PUBLIC)
def country_list(request: HttpRequest) -> HttpResponse:
    show_all = request.GET.get("all") == "1"
    countries = Country.objects.all() if show_all else selectors.countries_in_region()
    return render(
        request,
        "directory/country_list.html",
        {
            "countries": by_display_name(countries),
            "groupings": selectors.groupings_with_members(),
            "show_all": show_all,
        },
    )


@access(Rule.PUBLIC)
def country_detail(request: HttpRequest, code: str) -> HttpResponse:
    country = selectors.country_get(code)
    organisations = selectors.organisations_for(request.user).filter(country=country)
    people = selectors.people_for(request.user).filter(country=country)
    return render(
        request,
        "directory/country_detail.html",
        {
            "country": country,
            "organisations": organisations,
            "people": people,
            "groupings": country.groupings.select_related("grouping"),
        },
    )


@access(Rule.PUBLIC)
def grouping_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return render(
        request, "directory/grouping_detail.html", {"grouping": selectors.grouping_get(slug)}
    )


@access(Rule.LABELLED)
def organisation_list(request: HttpRequest) -> HttpResponse:
    organisations = selectors.organisations_for(request.user)
    kind = request.GET.get("kind", "")
    if kind:
        organisations = organisations.filter(kind=kind)
    template = (
        "directory/_organisation_rows.html"
        if getattr(request, "htmx", False)
        else "directory/organisation_list.html"
    )
    return render(
        request,
        template,
        {"organisations": organisations, "kinds": OrganisationKind.choices, "kind": kind},
    )


@access(Rule.LABELLED)
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.organisation_get(request.user, slug)
    return render(
        request,
        "directory/organisation_detail.html",
        {
            "organisation": organisation,
            "people": selectors.people_for(request.user).filter(organisation=organisation),
            "consortia": selectors.organisations_for(request.user).filter(
                consortium_members=organisation
            ),
            "members": selectors.organisations_for(request.user).filter(consortia=organisation),
        },
    )


class OrganisationForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    acronym = forms.CharField(label=gettext_lazy("Acronym"), max_length=30, required=False)
    slug = forms.SlugField(
        label=gettext_lazy("Short name in addresses"),
        max_length=50,
        required=False,
        help_text=gettext_lazy(
            "Letters, digits and hyphens; made from the acronym or name if empty."
        ),
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=OrganisationKind.choices)
    country = forms.ModelChoiceField(
        label=gettext_lazy("Country"), queryset=Country.objects.all(), required=False
    )
    website = forms.CharField(label=gettext_lazy("Website"), max_length=200, required=False)
    description = forms.CharField(
        label=gettext_lazy("Description"), widget=forms.Textarea, required=False, max_length=10_000
    )
    tlp = forms.ChoiceField(label=gettext_lazy("TLP label"), choices=TLP.choices, initial=TLP.CLEAR)
    is_consortium = forms.BooleanField(label=gettext_lazy("This is a consortium"), required=False)
    consortia = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Member of the consortia"),
        queryset=Organisation.objects.filter(is_consortium=True),
        required=False,
    )


@access(Rule.SERVICE)
@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    """Administrators add an organisation (and its consortium memberships)."""
    user = signed_in_user(request)
    if not allowed(rules.may_create_organisation, user):
        raise Http404
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = call_service(
            request,
            lambda: services.organisation_create(
                actor=user,
                name=data["name"],
                acronym=data["acronym"],
                slug=data["slug"] or None,
                kind=data["kind"],
                country=data["country"],
                website=data["website"],
                description=data["description"],
                tlp=data["tlp"],
                is_consortium=data["is_consortium"],
                consortia=list(data["consortia"]),
            ),
            _("The organisation was added."),
            form=form,
        )
        if created.result is not None:
            return redirect("people:members", kind="organisation", key=created.result.slug)
    return render(request, "directory/organisation_form.html", {"form": form})


@access(Rule.SERVICE)
@login_required
@require_POST
def consortium_member(request: HttpRequest, slug: str) -> HttpResponse:
    """Add an organisation to a consortium, or take it out (administrators)."""
    user = signed_in_user(request)
    visible = selectors.organisations_to_administer(user)
    consortium = visible.filter(slug=slug).first()
    if consortium is None or not allowed(rules.may_manage_consortium, user, consortium):
        raise Http404
    member = visible.filter(slug=request.POST.get("organisation", "")).first()
    if member is None:
        messages.error(request, _("Choose an organisation."))
    else:
        add = request.POST.get("member", "1") == "1"
        call_service(
            request,
            lambda: services.consortium_member_set(
                actor=user, consortium=consortium, organisation=member, member=add
            ),
            _("%(org)s joined the consortium.") % {"org": member}
            if add
            else _("%(org)s left the consortium.") % {"org": member},
        )
    return redirect("directory:consortium_members", slug=consortium.slug)


@access(Rule.SERVICE)
@login_required
def consortium_members(request: HttpRequest, slug: str) -> HttpResponse:
    """A consortium's members, managed by administrators."""
    user = signed_in_user(request)
    visible = selectors.organisations_to_administer(user)
    consortium = visible.filter(slug=slug, is_consortium=True).first()
    if consortium is None or not allowed(rules.may_manage_consortium, user, consortium):
        raise Http404
    current = visible.filter(consortia=consortium)
    others = visible.exclude(pk__in=current).exclude(pk=consortium.pk)
    return render(
        request,
        "directory/consortium_members.html",
        {"consortium": consortium, "members": current, "others": others},
    )
