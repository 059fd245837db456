"""The person's file: Person, Household, Consent, Need, claim milestones and their deadline rules,
and the intervention log. Everything here is personal data owned by a hub organisation; partners
never read these rows directly, only what a referral shares under an active consent."""

import uuid
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations.choices import NeedCategory
from organisations.models import Organisation, language_code_validator
from organisations.querysets import RestrictedQuerySet
from organisations.validators import (
    lifetime_date_validator,
    recent_date_validator,
    validate_name,
    working_date_validator,
)
from people.choices import (
    ClaimPathway,
    ConsentGivenBy,
    ConsentMethod,
    FrenchLevel,
    GenderIdentity,
    HouseholdRelationship,
    ImportKind,
    ImportStatus,
    IntakeChannel,
    InterpreterUsed,
    InterventionMode,
    InterventionType,
    MilestoneKind,
    NeedStatus,
    NeedUrgency,
    Team,
    TransExperience,
)
from people.names import name_key, phone_digits, sound_key


class Household(models.Model):
    """People who live and move together; a referral or a stay can be for the whole household.

    A person is in one household at most (``Person.household``). A household is never empty: when
    its last member leaves it is dissolved (``dissolved_at``), keeps the holds, stays and
    interventions that name it as history, and takes no member again."""

    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="households")
    name = models.CharField(
        _("name"), max_length=200, validators=[validate_name], help_text=_("For example the family name.")
    )
    pets = models.PositiveSmallIntegerField(
        _("pets travelling with the household"), default=0, validators=[MaxValueValidator(20)]
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    dissolved_at = models.DateTimeField(_("dissolved"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """A person the hub serves: identity, languages, contact, path through the asylum claim.

    ``name_key`` holds the names without accents, case or order; ``sound_key`` the same words as
    they sound in Spanish (``people.names.sound_of``) and ``phone_digits`` the phone's digits: what
    the duplicate warning and the search compare. ``set_search_keys`` computes all three.
    """

    owner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="people", verbose_name=_("owning organisation")
    )
    given_names = models.CharField(_("given names"), max_length=150, validators=[validate_name])
    family_names = models.CharField(
        _("family names"), max_length=150, validators=[validate_name], help_text=_("One or two surnames.")
    )
    name_key = models.CharField(max_length=300, editable=False, db_index=True)
    sound_key = models.CharField(max_length=300, editable=False, blank=True, db_index=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True, validators=[lifetime_date_validator])
    date_of_birth_is_approximate = models.BooleanField(_("date of birth is approximate"), default=False)
    gender_identity = models.CharField(
        _("gender identity"), max_length=32, choices=GenderIdentity.choices, default=GenderIdentity.NOT_ASKED
    )
    gender_self_described = models.CharField(_("gender, in the person's words"), max_length=100, blank=True)
    trans_experience = models.CharField(
        _("trans experience"), max_length=32, choices=TransExperience.choices, default=TransExperience.NOT_ASKED
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=3, validators=[language_code_validator], default="es"
    )
    other_languages = models.JSONField(_("other languages"), default=list, blank=True)
    french_level = models.CharField(_("French level"), max_length=16, choices=FrenchLevel.choices, blank=True)
    interpreter_needed = models.BooleanField(_("interpreter needed"), default=False)
    needs_wheelchair_access = models.BooleanField(_("needs wheelchair access"), default=False)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    phone_digits = models.CharField(max_length=40, editable=False, blank=True, db_index=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    arrival_date = models.DateField(_("arrival in Canada"), null=True, blank=True, validators=[lifetime_date_validator])
    first_intake_date = models.DateField(_("first intake"), default=date.today, validators=[recent_date_validator])
    intake_channel = models.CharField(
        _("intake channel"), max_length=32, choices=IntakeChannel.choices, default=IntakeChannel.WALK_IN
    )
    claim_pathway = models.CharField(
        _("claim pathway"), max_length=40, choices=ClaimPathway.choices, default=ClaimPathway.UNKNOWN
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("household"),
    )
    household_relationship = models.CharField(
        _("relationship in the household"), max_length=20, choices=HouseholdRelationship.choices, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    # The file's number in the spreadsheet the hub kept before Passerelle, written by an import
    # (``people.imports``) so that later imports (households, interventions) can name the person.
    external_reference = models.CharField(
        _("reference in the former register"), max_length=64, blank=True, default="", db_default=""
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["family_names", "given_names"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "external_reference"],
                condition=~Q(external_reference=""),
                name="unique_person_external_reference",
            ),
        ]

    def __str__(self) -> str:
        return Person.name_from(self.given_names, self.family_names)

    SEARCH_KEYS = ("name_key", "sound_key", "phone_digits")

    def set_search_keys(self) -> None:
        """Recompute the compared forms of the names and phone (``SEARCH_KEYS``) after a change."""
        self.name_key = name_key(self.given_names, self.family_names)
        self.sound_key = sound_key(self.given_names, self.family_names)
        self.phone_digits = phone_digits(self.phone)

    @property
    def full_name(self) -> str:
        return str(self)

    @staticmethod
    def name_from(given_names: str, family_names: str) -> str:
        """How a person's name reads, also for a name fetched as plain values (the inbox rows)."""
        return f"{given_names} {family_names}"

    def age_on(self, day: date) -> int | None:
        """Age in whole years on ``day``; None when unknown, or when ``day`` is before the birth
        date (a date typed wrong is not shown as a negative age)."""
        if self.date_of_birth is None or day < self.date_of_birth:
            return None
        before_birthday = (day.month, day.day) < (self.date_of_birth.month, self.date_of_birth.day)
        return day.year - self.date_of_birth.year - before_birthday


class PrivacyNotice(models.Model):
    """What an organisation tells a person when it collects their information (Law 25, s. 8): the
    purposes, who receives it, the person's rights (access, correction, withdrawal of consent) and
    how to reach its privacy officer, in French, English and Spanish.

    Versioned: a version is never changed once recorded (the Django admin adds, never edits); the
    one in force is the highest version published by today. Each consent keeps the version the
    person was shown (``Consent.notice``)."""

    LANGUAGES = ("fr", "en", "es")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="privacy_notices", verbose_name=_("organisation")
    )
    version = models.PositiveIntegerField(_("version"))
    published_on = models.DateField(_("in force from"), default=date.today)
    privacy_officer_contact = models.CharField(
        _("privacy officer's contact"), max_length=300, help_text=_("Name or title, phone and email.")
    )
    text_fr = models.TextField(_("text in French"))
    text_en = models.TextField(_("text in English"))
    text_es = models.TextField(_("text in Spanish"))
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notices")
        ordering = ["organisation", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "version"], name="unique_privacy_notice_version"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} v{self.version}"

    def texts(self) -> list[tuple[str, str]]:
        """(language code, text) in the three languages, French first."""
        return [(language, getattr(self, f"text_{language}")) for language in self.LANGUAGES]


class ConsentQuerySet(RestrictedQuerySet):
    def active(self, on: date | None = None) -> "ConsentQuerySet":
        """Consents in force on ``on`` (today): not withdrawn, started, not expired."""
        on = on or timezone.localdate()
        return self.filter(withdrawn_at__isnull=True, valid_from__lte=on, valid_until__gte=on)


class Consent(models.Model):
    """A person's consent to share some groups of their data with one organisation, for some
    purposes, for a limited time (Law 25). Withdrawal stops future sharing at once, and what the
    partner could read under it (``referrals.sharing``); it records who took it, how the person
    expressed it and in which language."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    recipient = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="consents_received", verbose_name=_("recipient")
    )
    purposes = models.JSONField(_("purposes"), help_text=_("Need categories this consent is for."))
    data_groups = models.JSONField(_("data shared"))
    express = models.BooleanField(_("express consent"), default=False, help_text=_("Needed for sensitive information."))
    method = models.CharField(_("method"), max_length=20, choices=ConsentMethod.choices)
    language = models.CharField(_("language explained in"), max_length=3, validators=[language_code_validator])
    interpreter_assisted = models.BooleanField(_("an interpreter helped"), default=False)
    given_by = models.CharField(
        _("given by"), max_length=20, choices=ConsentGivenBy.choices, default=ConsentGivenBy.PERSON
    )
    given_by_name = models.CharField(
        _("name of the parent or guardian"), max_length=200, blank=True, validators=[validate_name]
    )
    valid_from = models.DateField(_("valid from"), default=date.today, validators=[working_date_validator])
    valid_until = models.DateField(_("valid until"), validators=[working_date_validator])
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_method = models.CharField(
        _("how the person withdrew it"), max_length=20, choices=ConsentMethod.choices, blank=True
    )
    withdrawal_language = models.CharField(
        _("language of the withdrawal"), max_length=3, validators=[language_code_validator], blank=True
    )
    notice = models.ForeignKey(
        PrivacyNotice,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents",
        verbose_name=_("privacy notice shown"),
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__gte=models.F("valid_from")), name="consent_period_order"),
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.recipient}"

    def is_active(self, on: date | None = None) -> bool:
        return Consent.in_force(
            withdrawn_at=self.withdrawn_at,
            valid_from=self.valid_from,
            valid_until=self.valid_until,
            on=on or timezone.localdate(),
        )

    @staticmethod
    def in_force(*, withdrawn_at, valid_from: date, valid_until: date, on: date) -> bool:
        """The rule of ``is_active`` on a consent's fields, for reads that fetch them as plain
        values rather than as a ``Consent`` (the referral inbox)."""
        return withdrawn_at is None and valid_from <= on <= valid_until

    def allows(self, *, purpose: str, data_groups) -> bool:
        """Whether this consent, now, covers sharing ``data_groups`` for ``purpose``."""
        return self.is_active() and purpose in self.purposes and set(data_groups) <= set(self.data_groups)


class Need(models.Model):
    """A need identified for a person; ``unmet_no_resource`` documents the gaps the city must see."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="needs")
    category = models.CharField(_("need"), max_length=32, choices=NeedCategory.choices)
    urgency = models.CharField(_("urgency"), max_length=16, choices=NeedUrgency.choices, default=NeedUrgency.DAYS)
    status = models.CharField(_("status"), max_length=20, choices=NeedStatus.choices, default=NeedStatus.IDENTIFIED)
    note = models.CharField(_("note"), max_length=500, blank=True)
    identified_on = models.DateField(_("identified on"), default=date.today)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["status", "-identified_on"]

    def __str__(self) -> str:
        return self.get_category_display()


class DeadlineRule(models.Model):
    """A deadline that follows a milestone: "Basis of Claim due 15 days after a port-of-entry
    claim". Deadlines are data: Passerelle's rules (no organisation) hold for every hub, and a
    hub's coordinators keep their own where they differ (``organisation``), which only their
    hub's files follow."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deadline_rules",
        help_text=_("Empty: Passerelle's rule, for every hub."),
    )
    trigger = models.CharField(_("after"), max_length=40, choices=MilestoneKind.choices)
    pathways = models.JSONField(_("claim pathways"), default=list, blank=True, help_text=_("Empty: any pathway."))
    due = models.CharField(_("milestone due"), max_length=40, choices=MilestoneKind.choices)
    days = models.PositiveSmallIntegerField(_("days"), validators=[MaxValueValidator(3 * 365)])
    remind_days_before = models.PositiveSmallIntegerField(
        _("remind this many days before"),
        default=3,
        db_default=3,
        validators=[MaxValueValidator(90)],
        help_text=_("The worker in charge is told this many days before the deadline, and again on the day."),
    )

    class Meta:
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")
        constraints = [
            models.UniqueConstraint(
                fields=["trigger", "due"], condition=Q(organisation__isnull=True), name="unique_deadline_rule"
            ),
            models.UniqueConstraint(
                fields=["organisation", "trigger", "due"],
                condition=Q(organisation__isnull=False),
                name="unique_hub_deadline_rule",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_due_display()}: {self.days} d after {self.get_trigger_display()}"

    def applies_to(self, person: Person) -> bool:
        return not self.pathways or person.claim_pathway in self.pathways


class Milestone(models.Model):
    """A dated event of the person's claim, or one that is due (``due_on`` set, not yet occurred)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(_("milestone"), max_length=40, choices=MilestoneKind.choices)
    occurred_on = models.DateField(_("date"), null=True, blank=True, validators=[recent_date_validator])
    due_on = models.DateField(_("due on"), null=True, blank=True)
    # Where it happens (a hearing, an interview) and until when what it gave is valid (a work
    # permit, the claimant document).
    place = models.CharField(_("place"), max_length=200, blank=True, default="", db_default="")
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("claim milestone")
        verbose_name_plural = _("claim milestones")
        ordering = ["person", models.F("occurred_on").asc(nulls_last=True), "due_on"]
        constraints = [
            models.UniqueConstraint(fields=["person", "kind"], name="unique_milestone_kind"),
            models.CheckConstraint(
                condition=Q(occurred_on__isnull=False) | Q(due_on__isnull=False), name="milestone_has_a_date"
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    def clean(self):
        if self.occurred_on is None and self.due_on is None:
            raise ValidationError(_("Give the date of the milestone or when it is due."))


class Intervention(models.Model):
    """One thing a team member did with or for people: the unit the hub's activity is counted in."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="interventions")
    occurred_on = models.DateField(_("date"), default=date.today, db_index=True, validators=[recent_date_validator])
    type = models.CharField(_("type"), max_length=32, choices=InterventionType.choices)
    mode = models.CharField(
        _("mode"), max_length=16, choices=InterventionMode.choices, default=InterventionMode.IN_PERSON
    )
    team = models.CharField(_("team"), max_length=32, choices=Team.choices, default=Team.WELCOME_TEAM)
    people = models.ManyToManyField(Person, related_name="interventions", verbose_name=_("people"))
    household = models.ForeignKey(Household, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    language_used = models.CharField(_("language used"), max_length=3, validators=[language_code_validator])
    interpreter_used = models.CharField(
        _("interpreter"), max_length=16, choices=InterpreterUsed.choices, default=InterpreterUsed.NONE
    )
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=15)
    need_categories = models.JSONField(_("needs"), default=list, blank=True)
    note = models.CharField(_("short note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        ordering = ["-occurred_on", "-id"]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.get_type_display()}"


class ImportBatch(models.Model):
    """One spreadsheet uploaded to load a hub's past years (``people.imports``): its rows are
    checked and shown (the preview) before anything is written, then committed all at once or
    not at all. The file itself is personal data: it is kept only between the preview and the
    commit (``content`` is emptied when the batch is committed or discarded); the batch keeps
    what was done, by whom, and how many rows."""

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="import_batches", verbose_name=_("organisation")
    )
    kind = models.CharField(_("kind of rows"), max_length=20, choices=ImportKind.choices)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    content = models.BinaryField(_("file"), blank=True, default=b"", editable=False)
    sha256 = models.CharField(_("file fingerprint"), max_length=64, editable=False)
    status = models.CharField(_("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    error_count = models.PositiveIntegerField(_("rows with errors"), default=0)
    duplicate_count = models.PositiveIntegerField(_("possible duplicates"), default=0)
    created_count = models.PositiveIntegerField(_("rows imported"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    committed_at = models.DateTimeField(_("imported"), null=True, blank=True)

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["-created_at"]
        constraints = [
            # The same file is not imported twice into one organisation (interventions have no
            # natural key: a second import would count them twice in the reports).
            models.UniqueConstraint(
                fields=["organisation", "kind", "sha256"],
                condition=Q(status="committed"),
                name="unique_committed_import_file",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.file_name}"
