"""Publication pages: the list, one publication, its file, its workflow and the create
page (a needs assessment report starts from its assessment's page)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reef.assessments import selectors as assessment_selectors
from reef.core.routes import Rule, access
from reef.core.rules import allowed
from reef.core.servicecall import call_service
from reef.core.tlp import TLP
from reef.records import rules as R
from reef.records import selectors, services
from reef.records.forms import PublicationFileForm, PublicationForm, WorkflowForm
from reef.records.models import Publication
from reef.records.views.common import _create, _download, _may_create, _page, _upload, actor_of


@access(Rule.LABELLED)
def publication_list(request: HttpRequest) -> HttpResponse:
    publications = selectors.publications_for(request.user)
    kind = request.GET.get("kind", "")
    if kind in Publication.Kind.values:
        publications = publications.filter(kind=kind)
    return render(
        request,
        "records/publication_list.html",
        {
            "page": _page(request, publications),
            "kinds": Publication.Kind.choices,
            "kind": kind,
            "may_create": _may_create(request.user, R.may_create_publication, Publication),
        },
    )


@access(Rule.LABELLED)
def publication_detail(request: HttpRequest, slug: str) -> HttpResponse:
    publication = selectors.publication_get(request.user, slug)
    user = request.user
    may_release = (
        publication.status == Publication.Status.REVIEW
        and publication.released_at is None
        and allowed(R.may_release, user, publication)
    )
    return render(
        request,
        "records/publication_detail.html",
        {
            "publication": publication,
            "events": selectors.public_events_of(user, publication),
            "links": selectors.visible_links(user, publication.links),
            "may_edit": allowed(R.may_update_publication, user, publication),
            "may_manage": allowed(R.may_publish_publication, user, publication),
            "may_release": may_release,
            # Shown beside a disabled release button: the review of the draft report.
            "release_blockers": (
                assessment_selectors.review_blockers(publication.assessment)
                if may_release and publication.assessment is not None
                else []
            ),
            "tlp_choices": TLP.choices,
        },
    )


@access(Rule.LABELLED)
def publication_file(request: HttpRequest, slug: str) -> FileResponse:
    publication = selectors.publication_get(request.user, slug)
    if not publication.file:
        raise Http404
    return _download(
        publication.file, publication.file_content_type, publication.file_original_name
    )


@access(Rule.SERVICE)
def publication_upload(request: HttpRequest, slug: str) -> HttpResponse:
    publication = selectors.publication_get(request.user, slug)
    if not allowed(R.may_attach_file, request.user, publication):
        raise DjangoPermissionDenied(_("Only editors of the owner may attach a file."))
    return _upload(
        request,
        publication,
        PublicationFileForm(request.POST or None, request.FILES or None),
        lambda data: services.publication_attach_file(
            actor=actor_of(request), publication=publication, upload=data["file"]
        ),
        _("The file was attached."),
    )


@access(Rule.SERVICE)
@require_POST
def publication_workflow(request: HttpRequest, slug: str) -> HttpResponse:
    publication = selectors.publication_get(request.user, slug)
    form = WorkflowForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown step."))
        return redirect(publication.get_absolute_url())
    actor = actor_of(request)
    data = form.cleaned_data
    call_service(
        request,
        lambda: services.publication_step(
            actor=actor,
            publication=publication,
            step=data["action"],
            reason=data["reason"],
            summary=data["summary"],
            summary_tlp=data["summary_tlp"] or TLP.CLEAR,
        ),
        _("Done."),
    )
    return redirect(publication.get_absolute_url())


@access(Rule.SIGNED_IN)
@login_required
def publication_create(request: HttpRequest) -> HttpResponse:
    def make(data: dict[str, Any], country: Any, organisation: Any) -> Any:
        return services.publication_create(
            actor=actor_of(request),
            title=data["title"],
            kind=data["kind"],
            authors=data["authors"],
            abstract=data["abstract"],
            language=data["language"],
            tlp=data["tlp"],
            owner_country=country,
            owner_organisation=organisation,
            assessment=selectors.assessment_for(request.user, data.get("assessment")),
        )

    return _create(
        request,
        PublicationForm,
        "records/publication_form.html",
        make,
        initial=_report_initial(request),
    )


def _report_initial(request: HttpRequest) -> dict[str, Any]:
    """The report of an assessment (`?assessment=<id>`, from its page): a needs assessment
    report naming it, owned by the assessed country. An assessment the user may not see
    fills nothing."""
    raw = request.GET.get("assessment", "")
    if not raw.isdigit():
        return {}
    from reef.assessments.models import Assessment

    found = Assessment.objects.for_user(request.user).filter(pk=int(raw)).first()
    if found is None:
        return {}
    return {
        "kind": Publication.Kind.ASSESSMENT_REPORT,
        "assessment": found.pk,
        "owner": f"country:{found.country.code}",
        "title": found.title,
        "tlp": found.tlp,
    }
