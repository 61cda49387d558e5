"""The report page: the stored analysis, its group bars a page at a time, one's group."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from reef.consultations import selectors
from reef.consultations.views.common import _context, _htmx
from reef.core.routes import Rule, access

#: Statements drawn as group bars per report page.
BARS_PER_PAGE = 12


@access(Rule.LABELLED)
def report(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = selectors.consultation_get(request.user, pk)
    stored = selectors.consultation_analysis(request.user, consultation)
    data = selectors.consultation_report(request.user, consultation, stored.analysis)
    template = "consultations/_report_body.html" if _htmx(request) else "consultations/report.html"
    # Long conversations: the bars come a page at a time (a bad page number shows the
    # nearest page, as Paginator.get_page does).
    bars = Paginator(data.bars, BARS_PER_PAGE).get_page(request.GET.get("page"))
    my_group = selectors.my_group_summary(request.user, consultation, stored)
    if my_group is not None:
        # Each statement named links to its bars, on whichever page they are.
        pages = {b.statement: i // BARS_PER_PAGE + 1 for i, b in enumerate(data.bars)}
        for item in (*my_group["differences"], *my_group["common"]):
            item["page"] = pages.get(item["statement"])
    return render(
        request,
        template,
        _context(
            request,
            consultation,
            report=data,
            stored=stored,
            bars=bars,
            bar_legend=[
                (kind, selectors.VOTE_COLOURS[kind], name)
                for kind, name in (
                    ("agree", _("Agree")),
                    ("disagree", _("Disagree")),
                    ("pass", _("Pass")),
                )
            ],
            my_group=my_group,
        ),
    )
