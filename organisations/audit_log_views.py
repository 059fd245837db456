"""Pages of the audit log, for privacy officers: their organisations' entries filtered and paged,
and the same as CSV. Read-only: nothing here changes an entry."""

import csv
import json

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from organisations import audit_labels, selectors
from organisations.forms import AuditLogFilterForm
from organisations.models import AuditEntry
from organisations.validators import parse_id
from organisations.views import _managed_or_404

AUDIT_LOG_PAGE = 50


@login_required
@require_safe
def audit_log(request):
    """For privacy officers: their organisations' audit log, filtered by person, user,
    organisation, action and period, newest first, older entries page by page (``before``: the id
    the previous page ended at). Read-only: nothing on it changes an entry."""
    _managed_or_404(request.user, "view_audit")
    form = AuditLogFilterForm(request.GET or None, choices=selectors.audit_log_choices(user=request.user))
    entries = selectors.audit_log(user=request.user, **form.filters()) if not form.errors else AuditEntry.objects.none()
    before = parse_id(request.GET.get("before", ""))
    if before is not None:
        entries = entries.filter(pk__lt=before)
    page = list(entries[: AUDIT_LOG_PAGE + 1])
    older = None
    if len(page) > AUDIT_LOG_PAGE:
        page = page[:AUDIT_LOG_PAGE]
        query = request.GET.copy()
        query["before"] = page[-1].pk
        older = query.urlencode()
    for entry in page:
        entry.action_label = audit_labels.action_label(entry.action)
        entry.object_label = audit_labels.object_label(entry.object_type) if entry.object_type else ""
    export = request.GET.copy()
    export.pop("before", None)
    context = {"form": form, "entries": page, "older": older, "export_query": export.urlencode()}
    return render(request, "organisations/audit_log.html", context, status=400 if form.errors else 200)


# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@login_required
@require_safe
def audit_log_export(request):
    """The filtered audit log as CSV (UTF-8 with a byte order mark, for spreadsheets); the
    export is audited (``selectors.audit_log_export``)."""
    _managed_or_404(request.user, "view_audit")
    form = AuditLogFilterForm(request.GET or None, choices=selectors.audit_log_choices(user=request.user))
    if form.errors:
        return audit_log(request)
    entries = selectors.audit_log_export(user=request.user, filters=form.filters())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Time"),
            _("User"),
            _("Organisation"),
            _("Action"),
            _("Object"),
            _("Object id"),
            _("IP address"),
            _("People"),
            _("Details"),
        ]
    )
    for entry in entries.iterator(chunk_size=2000):
        writer.writerow(
            [
                _cell(entry.at.isoformat()),
                _cell(entry.actor.email if entry.actor else ""),
                _cell(entry.organisation.name if entry.organisation else ""),
                _cell(entry.action),
                _cell(entry.object_type),
                _cell(entry.object_id),
                _cell(entry.ip_address),
                _cell(entry.people.strip(",")),
                _cell(json.dumps(entry.details, ensure_ascii=False) if entry.details else ""),
            ]
        )
    return response
