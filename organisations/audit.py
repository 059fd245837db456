"""Writing the audit log: services call ``audit_record`` for every write; selectors audit every
read of a person's data (``audited`` querysets, ``audit_rows``, ``audit_read`` for one object);
the two 404 exits audit refused reads (``audit_refused_request``); the Django admin's log entries
are audited with their user (``record_admin_change``). The request's IP address reaches them
through a context variable (``plumbing.client_address``) set by ``AuditContextMiddleware`` and by
the websocket consumer, so that no service has to be handed the request."""

import json
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models

from organisations.models import AuditEntry
from plumbing.client_address import current_ip_address


def audit_record(
    *,
    actor,
    organisation,
    action: str,
    obj: models.Model | None = None,
    details: dict | None = None,
    people: Iterable[int] = (),
) -> AuditEntry:
    """Append one entry. ``action`` is namespaced (``organisations.membership.granted``);
    ``details`` must hold no sensitive personal data: ids, codes and field names only. The entry
    names ``people`` and, when ``obj`` is personal data held by ``organisation``, the people
    ``obj`` names (a person, a request's person, a hold's household), so that "who read or
    changed this person's file" finds the writes too."""
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        organisation=organisation,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        ip_address=current_ip_address.get(),
        people=people_text([*people, *_people_of(obj, organisation.pk if organisation is not None else None)]),
        details=details or {},
    )


def _people_of(obj: models.Model | None, organisation_id) -> list[int]:
    """The people ``obj`` names, for an entry of ``organisation_id`` (none for another holder)."""
    if obj is None:
        return []
    label = obj._meta.label_lower
    if label == "people.person":
        return [obj.pk]
    spec = personal_reads.get(label)
    if spec is None or not _names_people_for(spec, obj, organisation_id):
        return []
    return [pk for pk in spec.people(obj) if pk is not None]


def audit_read(*, actor, organisation, obj: models.Model, what: str, people: Iterable[int] = ()) -> None:
    """Record that ``actor`` read ``obj`` for ``organisation`` (``what``: ``people.person.file``,
    ``referrals.referral.detail``), naming ``people`` (the person file names its person)."""
    people = [*people, *_people_of(obj, organisation.pk if organisation else None)]
    _queue(actor, organisation.pk if organisation else None, f"{what}.read", obj._meta.label_lower, [obj.pk], people)


# --- Reads of personal data ------------------------------------------------------------------
#
# Each app registers the models that carry personal data (``register_personal_read``), saying
# how to find the organisation a row is read for and the people it names. Selectors hand their
# querysets to ``audited``: the rows are audited when the queryset is evaluated, whatever page,
# serializer or slice evaluates it, so that a view cannot show a row it did not audit. Within a
# request the entries wait in a buffer (``AuditContextMiddleware``) and are written by one bulk
# INSERT at its end, merged by (reader, organisation, action); outside a request (websocket
# snapshots, jobs, the shell) they are written at once.


@dataclass(frozen=True)
class PersonalRead:
    """How to audit the rows of one model: ``organisation(row, reader)`` gives the id of the
    organisation ``reader`` reads the row for (a person: its owner; a referral: the sender when
    the reader works its cases, else the recipient), ``people`` the ids of the people it names;
    both from what is already loaded or read once per request (``case_organisations``), never a
    query per row. For refused reads: ``url_kwarg`` is the page parameter naming a row, and
    ``holder`` the lookup of the organisation that holds it (whose privacy officer is told)."""

    what: str
    organisation: Callable[[Any, Any], int | None]
    people: Callable[[Any], Iterable[int]]
    url_kwarg: str = ""
    holder: str = "owner_id"


personal_reads: dict[str, PersonalRead] = {}


def register_personal_read(label: str, spec: PersonalRead) -> None:
    """Declare ``label`` (``people.person``) a model of personal data (from ``AppConfig.ready``)."""
    personal_reads[label] = spec


def value(row, name: str):
    """``name`` of a model instance or of a ``.values()`` row."""
    return row.get(name) if isinstance(row, dict) else getattr(row, name, None)


def loaded(row, name: str):
    """The related object ``name`` of ``row`` if it is already loaded (never a query), else None."""
    if isinstance(row, dict):
        return None
    return row._state.fields_cache.get(name)


def prefetched_ids(row, name: str) -> list[int]:
    """The ids of the many-to-many ``name`` of ``row`` if it was prefetched, else none."""
    cache = getattr(row, "_prefetched_objects_cache", {})
    return [item.pk for item in cache[name]] if name in cache else []


def case_organisations(actor) -> set[int]:
    """The organisations whose cases ``actor`` works (grants read once in ``rights_read_once``)."""
    from organisations.permissions import organisation_ids_with_permission

    return organisation_ids_with_permission(actor, "work_cases")


def case_side(ours, theirs):
    """An ``organisation`` rule for rows read by a case side (``ours``: the hub that sent or
    placed) or by the other side (``theirs``: the recipient, the provider)."""

    def organisation(row, reader):
        own = ours(row)
        return own if own in case_organisations(reader) else theirs(row)

    return organisation


def owner_of_person(row, reader):
    """The organisation that owns the row's person (loaded with it), else the one whose cases the
    reader works (only the owner's case workers read these rows)."""
    person = loaded(row, "person")
    if person is not None:
        return person.owner_id
    return min(case_organisations(reader), default=None)


@dataclass
class _Pending:
    """Reads of one (reader, organisation, action) waiting for the end of the request."""

    object_type: str
    ids: set = field(default_factory=set)
    people: set = field(default_factory=set)


pending_reads: ContextVar[dict | None] = ContextVar("pending_reads", default=None)


def people_text(people: Iterable[int]) -> str:
    """The people an entry names, as ``,3,17,``: one column the log is filtered on by ``,17,``
    with LIKE on both databases, written in the same INSERT as the entry."""
    ids = sorted({int(pk) for pk in people if pk is not None})
    return f",{','.join(map(str, ids))}," if ids else ""


def _entry(actor_id, organisation_id, action: str, pending: _Pending) -> AuditEntry:
    ids = sorted(pending.ids)
    single = len(ids) == 1
    return AuditEntry(
        actor_id=actor_id,
        organisation_id=organisation_id,
        action=action,
        object_type=pending.object_type,
        object_id=str(ids[0]) if single else "",
        ip_address=current_ip_address.get(),
        details={} if single else {"ids": ids},
        people=people_text(pending.people),
    )


def _queue(actor, organisation_id, action: str, object_type: str, ids: Iterable, people: Iterable[int]) -> None:
    """Add reads to the request's buffer, or write them at once outside a request."""
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    buffer = pending_reads.get()
    if buffer is None:
        pending = _Pending(object_type, set(ids), set(people))
        _entry(actor_id, organisation_id, action, pending).save()
        return
    pending = buffer.setdefault((actor_id, organisation_id, action), _Pending(object_type))
    pending.ids.update(ids)
    pending.people.update(people)


def flush_reads(buffer: dict) -> None:
    """Write the request's reads: one INSERT for all of them."""
    if buffer:
        AuditEntry.objects.bulk_create(
            [_entry(actor_id, organisation_id, action, p) for (actor_id, organisation_id, action), p in buffer.items()]
        )


def audit_rows(*, actor, rows: Iterable, what: str | None = None) -> None:
    """Audit the reading of ``rows`` (instances or ``.values()`` rows of one registered model):
    one entry per organisation read for, listing ids and the people named, never values."""
    rows = list(rows)
    if not rows:
        return
    model = getattr(rows[0], "_meta", None)
    label = model.label_lower if model is not None else None
    return _audit_rows(actor=actor, rows=rows, label=label, what=what)


def _names_people_for(spec: PersonalRead, row, organisation_id) -> bool:
    """Whether an entry for ``organisation_id`` may name the people of ``row``: only when it is
    the organisation that holds the row (a referral's sender, a hold's placing hub), whose files
    the ids are. A partner or a provider reads a referral or a hold without the people's ids in
    its own log, so that its log never links two referrals or holds to one person
    (docs/privacy.md, "Consent that really closes")."""
    if "__" in spec.holder:
        return True
    holder = value(row, spec.holder)
    return holder is None or holder == organisation_id


def _audit_rows(*, actor, rows: list, label: str | None, what: str | None = None, organisation=None) -> None:
    spec = personal_reads.get(label or "")
    if spec is None or not rows:
        return
    from organisations.permissions import rights_read_once

    by_organisation: dict = {}
    with rights_read_once():
        for row in rows:
            reader = (organisation or spec.organisation)(row, actor)
            ids, people = by_organisation.setdefault(reader, (set(), set()))
            ids.add(value(row, "pk") if not isinstance(row, dict) else row.get("id"))
            if _names_people_for(spec, row, reader):
                people.update(spec.people(row))
    for organisation_id, (ids, people) in by_organisation.items():
        _queue(actor, organisation_id, f"{what or spec.what}.read", label, ids, people)


class _AuditedQuerySetMixin:
    """Audits the rows the first time the queryset is evaluated (``_audit_reader``: the user)."""

    _audit_reader = None
    _audit_what = None
    _audit_organisation = None

    def _clone(self):
        clone = super()._clone()
        clone._audit_reader = self._audit_reader
        clone._audit_what = self._audit_what
        clone._audit_organisation = self._audit_organisation
        return clone

    def _fetch_all(self):
        fresh = self._result_cache is None
        super()._fetch_all()
        if fresh and self._audit_reader is not None and self._result_cache:
            rows = self._result_cache
            if not isinstance(rows[0], (dict, models.Model)):
                return  # ``values_list`` reads (ids for a subquery) name nobody
            _audit_rows(
                actor=self._audit_reader,
                rows=rows,
                label=self.model._meta.label_lower,
                what=self._audit_what,
                organisation=self._audit_organisation,
            )


_audited_classes: dict[type, type] = {}


def audited(queryset: models.QuerySet, *, user, what: str | None = None, organisation=None) -> models.QuerySet:
    """``queryset``, audited as read by ``user`` when evaluated (``what`` names the read when it
    is not the model's plain read: ``people.person.search``; ``organisation(row, reader)`` when
    the selector already knows which side reads: a received box is read for its recipient)."""
    if isinstance(queryset, _AuditedQuerySetMixin):
        clone = queryset._chain()
        clone._audit_reader, clone._audit_what = user, what or clone._audit_what
        clone._audit_organisation = organisation or clone._audit_organisation
        return clone
    base = type(queryset)
    if base not in _audited_classes:
        _audited_classes[base] = type(f"Audited{base.__name__}", (_AuditedQuerySetMixin, base), {})
    clone = queryset._chain()
    clone.__class__ = _audited_classes[base]
    clone._audit_reader = user
    clone._audit_what = what
    clone._audit_organisation = organisation
    return clone


def audited_if_personal(queryset: models.QuerySet, *, user) -> models.QuerySet:
    """``queryset`` audited when its model carries personal data (the API's restricted base
    queryset, the selector of its declarative viewsets), else unchanged."""
    if queryset.model._meta.label_lower in personal_reads:
        return audited(queryset, user=user)
    return queryset


# --- Refused reads -----------------------------------------------------------------------------


def audit_refused_read(*, user, label: str, object_id) -> bool:
    """A 404 answered to ``user`` naming ``label`` #``object_id``. When that object is personal
    data, exists, and ``user`` may not see it (someone else's file, not a mistyped id), the
    refusal is audited, at most once per user, kind and ``AUDIT_REFUSED_WINDOW_SECONDS``: the
    entry counts the refusals of the window before it that were not written, so a privacy officer
    sees ids being tried without the log being flooded. Returns whether it was such a refusal.
    The two 404 exits call it: ``organisations.views.page_not_found`` and the API's exception
    handler."""
    from django.apps import apps
    from django.core.cache import caches
    from django.utils import timezone

    from organisations.permissions import Action

    if user is None or not user.is_authenticated or label not in personal_reads:
        return False
    spec = personal_reads[label]
    try:
        pk = int(object_id)
        model = apps.get_model(label)
    except (TypeError, ValueError, LookupError):
        return False
    holders = list(model._base_manager.filter(pk=pk).values_list(spec.holder, flat=True))
    if not holders or model.objects.restrict(user, Action.VIEW).filter(pk=pk).exists():
        return False
    cache = caches["audit"]
    # Windows are numbered on the application's clock (not the cache's expiry), so that every
    # process agrees on them; the first refusal of a window claims it atomically (``add``).
    seconds = max(1, settings.AUDIT_REFUSED_WINDOW_SECONDS)
    base = f"audit-refused:{user.pk}:{label}"
    count_key = f"{base}:unwritten"
    window = f"{base}:{int(timezone.now().timestamp() // seconds)}"
    if not cache.add(window, True, timeout=2 * seconds):
        try:
            cache.incr(count_key)
        except ValueError:
            cache.set(count_key, 1, timeout=None)
        return True
    unwritten = cache.get(count_key) or 0
    cache.delete(count_key)
    AuditEntry.objects.create(
        actor=user,
        organisation_id=holders[0],
        action=f"{spec.what}.refused",
        object_type=label,
        object_id=str(pk),
        ip_address=current_ip_address.get(),
        people=people_text(_people_of(model._base_manager.filter(pk=pk).first(), holders[0])),
        details={"refused_before_unrecorded": unwritten},
    )
    return True


def audit_refused_request(*, user, kwargs: dict, model_label: str | None = None) -> None:
    """Audit a 404 from the parameters of the route it answered: a page's named parameters
    (``person_id``, ``referral_id``), outermost first, or an API route's ``pk`` of
    ``model_label``. The first parameter naming an object the user may not see is the refusal."""
    for name, object_id in kwargs.items():
        label = (
            model_label
            if name == "pk"
            else next((label for label, spec in personal_reads.items() if spec.url_kwarg == name), None)
        )
        if label and audit_refused_read(user=user, label=label, object_id=object_id):
            return


# --- Changes made in the Django admin ------------------------------------------------------------

ADMIN_ACTIONS = {1: "added", 2: "changed", 3: "deleted"}


def record_admin_change(sender, instance, created: bool, **kwargs) -> None:
    """Audit a change made in the Django admin (connected to ``LogEntry``'s ``post_save``: every
    add, change and delete there writes one). The entry names the staff member, the fields
    changed (never their values) and, in ``details.acting_organisation``, the organisation they
    act for (their one active role; none for the platform's own staff). Its ``organisation`` is
    the one the changed row belongs to, so that its privacy officer sees what the platform's
    staff did to its data."""
    if not created:
        return
    actor = instance.user
    roles = list(actor.memberships.filter(is_active=True).values_list("organisation_id", flat=True)[:2])
    concerned = _organisation_of(instance)
    fields = sorted({str(name) for message in _change_messages(instance) for name in _changed_fields(message)})
    AuditEntry.objects.create(
        actor=actor,
        organisation_id=concerned,
        action=f"admin.{ADMIN_ACTIONS.get(instance.action_flag, 'changed')}",
        object_type=instance.content_type.app_label + "." + instance.content_type.model
        if instance.content_type
        else "",
        object_id=instance.object_id or "",
        ip_address=current_ip_address.get(),
        details={"fields": fields, "acting_organisation": roles[0] if len(roles) == 1 else None},
    )


def _change_messages(log_entry) -> list:
    """The structured messages of a LogEntry (the admin writes JSON; older rows may be text)."""
    try:
        messages = json.loads(log_entry.change_message or "[]")
    except ValueError:
        return []
    return messages if isinstance(messages, list) else []


def _changed_fields(message) -> list:
    """The field names a LogEntry's change message lists (``[{"changed": {"fields": [...]}}]``)."""
    if not isinstance(message, dict):
        return []
    return [name for body in message.values() if isinstance(body, dict) for name in body.get("fields", ())]


def _organisation_of(log_entry) -> int | None:
    """The organisation the changed row belongs to, if it still exists and has one."""
    try:
        obj = log_entry.get_edited_object()
    except Exception:  # deleted rows, or models without a default manager: no organisation to name
        return None
    if obj._meta.label_lower == "organisations.organisation":
        return obj.pk
    for name in ("organisation_id", "owner_id", "provider_id"):
        if getattr(obj, name, None):
            return getattr(obj, name)
    return None
