"""The person's rights under Québec's Law 25 and the registers it asks for: access and
portability requests (s. 27), rectifications (s. 28), communications made without consent in an
emergency (s. 18.1) and confidentiality incidents (s. 3.5–3.8).

Each row belongs to the organisation that holds the person's file (or where the incident
happened); who may read and write them is the ``manage_privacy_requests`` right on that
organisation (``organisations.permissions``)."""

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation
from organisations.querysets import RestrictedQuerySet
from organisations.validators import recent_date_validator
from people.models import Person
from privacy.choices import EXPORT_LANGUAGES, RequestChannel, Requester, RequestKind

# Law 25, s. 32: an access request is answered within 30 days of its receipt.
REQUEST_ANSWER_DAYS = 30
# Regulation on confidentiality incidents, s. 7: the register is kept 5 years after the
# organisation learned of the incident.
INCIDENT_KEEP_YEARS = 5


class PrivacyRequest(models.Model):
    """A person's request to see their file (access) or to receive it in a structured,
    commonly used format (portability). Answered by the export of ``privacy.export`` and closed
    with the day it was answered, within 30 days of receipt (``due_on``)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="privacy_requests")
    # Null once the file is destroyed under the retention rules: the request stays as history.
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, related_name="privacy_requests", verbose_name=_("person")
    )
    kind = models.CharField(_("request"), max_length=20, choices=RequestKind.choices, default=RequestKind.ACCESS)
    received_on = models.DateField(_("received on"), default=date.today, validators=[recent_date_validator])
    channel = models.CharField(_("received by"), max_length=20, choices=RequestChannel.choices)
    requester = models.CharField(_("made by"), max_length=20, choices=Requester.choices, default=Requester.PERSON)
    representative_name = models.CharField(_("name of the representative"), max_length=200, blank=True)
    language = models.CharField(_("language of the answer"), max_length=2, choices=EXPORT_LANGUAGES)
    due_on = models.DateField(_("answer due on"))
    # Household members who gave their own consent to their data being in this person's export.
    included_members = models.ManyToManyField(
        Person, blank=True, related_name="+", verbose_name=_("household members who consented")
    )
    note = models.TextField(_("note"), blank=True)
    exported_at = models.DateTimeField(_("last exported"), null=True, blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("access or portability request")
        verbose_name_plural = _("access and portability requests")
        ordering = [models.F("answered_on").asc(nulls_first=True), "due_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(due_on__gte=models.F("received_on")), name="privacy_request_due_after")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @staticmethod
    def due_for(received_on: date) -> date:
        return received_on + timedelta(days=REQUEST_ANSWER_DAYS)

    @property
    def is_open(self) -> bool:
        return self.answered_on is None


class Rectification(models.Model):
    """A correction of one field of a person's file at the person's request (s. 28): the value
    before and after, why, who changed it and when. Part of the file's history, destroyed with it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="rectifications")
    field = models.CharField(_("field"), max_length=40)
    old_value = models.TextField(_("before"), blank=True)
    new_value = models.TextField(_("after"), blank=True)
    reason = models.TextField(_("why"))
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(_("changed"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.field} ({self.changed_at:%Y-%m-%d})"


class EmergencyCommunication(models.Model):
    """A communication of a person's information made without their consent to prevent an act
    of violence when there is a serious risk of death or serious injury (s. 18.1): to whom,
    what, why, who decided and when. The register the law asks for."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, related_name="emergency_communications", verbose_name=_("person")
    )
    communicated_at = models.DateTimeField(_("communicated on"))
    recipient = models.CharField(_("communicated to"), max_length=300)
    information = models.TextField(_("information communicated"))
    reason = models.TextField(_("why: the serious risk it was to prevent"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by")
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("communication without consent")
        verbose_name_plural = _("communications without consent")
        ordering = ["-communicated_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.recipient} ({self.communicated_at:%Y-%m-%d})"


class ConfidentialityIncident(models.Model):
    """A confidentiality incident (s. 3.6: access, use or communication not authorised by law,
    or loss of personal information), its risk assessment (s. 3.7), the notices given and the
    measures taken (s. 3.5). The register of s. 3.8, each entry kept until ``keep_until``."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    description = models.TextField(_("what happened"))
    occurred_on = models.DateField(_("occurred on"), validators=[recent_date_validator])
    known_on = models.DateField(_("known on"), validators=[recent_date_validator])
    data_groups = models.JSONField(_("information concerned"))
    people_count = models.PositiveIntegerField(_("number of people concerned"))
    serious_injury_risk = models.BooleanField(_("risk of serious injury"))
    risk_assessment = models.TextField(
        _("risk assessment"),
        help_text=_("The sensitivity of the information, its possible misuse and the likely consequences."),
    )
    commission_notified_on = models.DateField(_("Commission notified on"), null=True, blank=True)
    people_notified_on = models.DateField(_("people notified on"), null=True, blank=True)
    measures = models.TextField(_("measures taken"), help_text=_("To reduce the risk of injury and of a new incident."))
    keep_until = models.DateField(_("kept until"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("confidentiality incident")
        verbose_name_plural = _("confidentiality incidents")
        ordering = ["-known_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(known_on__gte=models.F("occurred_on")), name="incident_known_after")
        ]

    def __str__(self) -> str:
        return _("Incident of %(date)s") % {"date": self.occurred_on.isoformat()}

    @staticmethod
    def keep_until_for(known_on: date) -> date:
        try:
            return known_on.replace(year=known_on.year + INCIDENT_KEEP_YEARS)
        except ValueError:  # 29 February
            return known_on.replace(year=known_on.year + INCIDENT_KEEP_YEARS, day=28)
