"""Pages of the notification inbox: the list with its filters, opening one (marks it read), marking
all read, and the delivery preferences. Reads through ``selectors``, writes through ``services``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from notifications import selectors, services
from notifications.api.views import preference_rows
from notifications.kinds import get_kind, registered_kinds
from notifications.models import Delivery
from notifications.rendering import notification_label, notification_text, notification_url
from organisations.errors import ApplicationError, NotFoundError
from organisations.validators import parse_id

PAGE_SIZE = 30


@login_required
def inbox(request):
    """The user's notifications, newest first; filters: unread only, one kind. Older pages are
    reached with ``before`` (keyset on the id)."""
    unread = request.GET.get("unread") == "1"
    kind = request.GET.get("kind") or ""
    if kind and get_kind(kind) is None:
        kind = ""
    notifications = selectors.notification_list(user=request.user, unread=True if unread else None, kind=kind or None)
    before = parse_id(request.GET.get("before", ""))
    if before is not None:
        notifications = notifications.filter(pk__lt=before)
    page = list(notifications[: PAGE_SIZE + 1])
    more = len(page) > PAGE_SIZE
    page = selectors.notifications_mark_visibility(user=request.user, notifications=page[:PAGE_SIZE])
    rows = [{"notification": n, "label": notification_label(n), "text": notification_text(n)} for n in page]
    return render(
        request,
        "notifications/inbox.html",
        {
            "rows": rows,
            "unread": unread,
            "kind": kind,
            "kinds": sorted(((k.code, str(k.label)) for k in registered_kinds()), key=lambda item: item[1]),
            "next_before": page[-1].pk if more else None,
            "unread_count": services.unread_count(request.user),
        },
    )


@login_required
@require_POST
def notification_open(request, notification_id: int):
    """Mark one notification read and go to its object (or back to the inbox)."""
    try:
        notification = selectors.notification_get(user=request.user, notification_id=notification_id)
    except NotFoundError:
        raise Http404 from None
    services.notification_mark_read(user=request.user, notification=notification)
    selectors.notifications_mark_visibility(user=request.user, notifications=[notification])
    target = notification_url(notification) or reverse("notifications:inbox")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("notifications:inbox")
    return redirect(target)


@login_required
@require_POST
def mark_all_read(request):
    marked = services.notification_mark_all_read(user=request.user)
    if marked:
        messages.success(request, _("All your notifications are marked read."))
    return redirect("notifications:inbox")


@login_required
def preferences(request):
    """One choice per kind: in the app only, email at once, daily digest, off (not for locked
    kinds)."""
    rows = preference_rows(request.user)
    if request.method == "POST":
        deliveries = {
            row["kind"]: request.POST.get(f"kind-{row['kind']}", row["delivery"])
            for row in rows
            if request.POST.get(f"kind-{row['kind']}") in row["choices"]
        }
        try:
            services.preferences_update(user=request.user, deliveries=deliveries)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your notification preferences are saved."))
            return redirect("notifications:preferences")
    labels = dict(Delivery.choices)
    for row in rows:
        row["options"] = [(value, labels[value]) for value in row["choices"]]
    return render(request, "notifications/preferences.html", {"rows": sorted(rows, key=lambda row: row["label"])})
