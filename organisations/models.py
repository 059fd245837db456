"""Organisations, their members and roles, who works with whom, the service directory and the
audit log: the ground floor every other app builds on."""

import hashlib
import unicodedata
import uuid
from datetime import date

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager, Group
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase

from organisations.choices import (
    DataGroup,
    InvitationStatus,
    NeedCategory,
    OrganisationKind,
    PartnershipScope,
    PartnershipStatus,
    Role,
    UILanguage,
)
from organisations.querysets import AuditQuerySet, RestrictedQuerySet
from organisations.storage import private_storage
from organisations.texts import require_french
from organisations.validators import (
    validate_data_groups,
    validate_name,
    validate_pdf,
    validate_purposes,
    validate_text,
    working_date_validator,
)

language_code_validator = RegexValidator(
    r"\A[a-z]{2,3}\Z", _("Use a two- or three-letter language code, for example “es” or “fr”.")
)


class UserManager(BaseUserManager.from_queryset(RestrictedQuerySet)):
    """Creates users who log in with their email address; ``User.objects.restrict(user, "view")``
    keeps the accounts a user may see (themself and the members of their organisations)."""

    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra_fields) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra_fields) -> "User":
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who logs in to Passerelle: a hub worker, a partner agent, a city liaison.

    Logs in with an email address; what the user may see comes only from active memberships,
    never from global permissions (superusers reach the Django admin, not people's data).
    """

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, validators=[validate_name])
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=UILanguage.choices, default=UILanguage.FRENCH
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


def organisation_name_key(name: str) -> str:
    """What two organisation names must not share: the name's letters and digits only, without
    case or accents ("Centre d’accueil" and "centre d'Accueil" or "CENTRE-DACCUEIL" are one key).
    Punctuation, apostrophes of any style, spaces and invisible characters do not count, so that
    no organisation can pass itself off as another by a name that reads the same."""
    decomposed = unicodedata.normalize("NFKD", name).casefold()
    return "".join(character for character in decomposed if unicodedata.category(character)[0] in "LN")


class Organisation(models.Model):
    """The hub or one of its partner organisations; the unit that holds data and grants access.

    Names are unique as people read them (``name_key``), and only the platform's staff rename an
    organisation (in the Django admin), so that a name always tells partners who they deal with."""

    name = models.CharField(_("name"), max_length=200, validators=[validate_name])
    name_key = models.CharField(_("name as compared"), max_length=200, unique=True, editable=False)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    languages_served = models.JSONField(
        _("languages served"), default=list, blank=True, help_text=_("Language codes, for example “es”, “fr”.")
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        permissions = [
            ("view_internal", _("Can see the organisation's members and partnerships")),
            ("manage_members", _("Can manage the organisation's members")),
            ("manage_partnerships", _("Can manage the organisation's partnerships")),
            ("view_audit", _("Can read the organisation's audit log")),
            ("work_cases", _("Can work the organisation's person files and referrals")),
            ("view_aggregates", _("Can see aggregate figures (never a person)")),
            ("override_housing_rules", _("Can hold beds against a housing site's rules, with a written reason")),
            (
                "manage_privacy_requests",
                _("Can handle the people's privacy requests and keep the privacy registers"),
            ),
            (
                "manage_trajectory",
                _("Can design the service trajectory, its entitlements, guides and deadline rules"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        require_french(self)
        # The key follows the name; the clash is told on the name, which is what a person typed.
        self.name_key = organisation_name_key(self.name)
        if Organisation.objects.filter(name_key=self.name_key).exclude(pk=self.pk).exists():
            raise ValidationError(
                {
                    "name": ValidationError(
                        _("Another organisation of the network has this name, or one that reads the same."),
                        code="unique",
                    )
                }
            )

    def validate_unique(self, exclude=None):
        # ``clean`` checks the name key and tells it on the name; the database constraint backs it.
        super().validate_unique(exclude={*(exclude or ()), "name_key"})


class OrganisationGroupObjectPermission(GroupObjectPermissionBase):
    """guardian's direct foreign-key table for organisation permissions granted to role groups."""

    content_object = models.ForeignKey(Organisation, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        abstract = False


class RoleGroup(models.Model):
    """The Django group that stands for one role in one organisation.

    Object permissions are granted to these groups; membership services add and remove users,
    so ending a membership removes its access at once.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="role_groups")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="role_group")

    class Meta:
        verbose_name = _("role group")
        verbose_name_plural = _("role groups")
        constraints = [models.UniqueConstraint(fields=["organisation", "role"], name="unique_role_group")]

    def __str__(self) -> str:
        return f"{self.organisation.slug}:{self.role}"


class Membership(models.Model):
    """A user's role in an organisation. A user may hold several roles in several organisations."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    valid_until = models.DateTimeField(
        _("valid until"), null=True, blank=True, help_text=_("The membership ends by itself at this time.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="unique_membership"),
        ]
        indexes = [
            models.Index(fields=["valid_until"], condition=Q(is_active=True), name="membership_expiry_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation} ({self.get_role_display()})"


class MembershipInvitationQuerySet(RestrictedQuerySet):
    def pending(self) -> "MembershipInvitationQuerySet":
        """Invitations not answered, not revoked and not expired."""
        return self.filter(
            accepted_at__isnull=True, declined_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class MembershipInvitation(models.Model):
    """An organisation admin's offer of a role to the person who owns an email address.

    Nothing is granted until that person accepts: with an account, logged in as that account;
    without one, by creating it from the link (then the account is theirs). The link's secret is
    kept only as its SHA-256 hash; the link expires at ``expires_at``. An invitation is answered
    once (accepted or declined) or revoked by an admin, and stays as the record of who offered
    what. Nothing here, nor in any answer to the admin, says whether the email has an account.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("organisation")
    )
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    membership_valid_until = models.DateTimeField(
        _("role valid until"), null=True, blank=True, help_text=_("The role ends by itself at this time.")
    )
    language = models.CharField(
        _("language of the email"), max_length=8, choices=UILanguage.choices, default=UILanguage.FRENCH
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    token_hash = models.CharField(_("fingerprint of the link"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("link expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    declined_at = models.DateTimeField(_("declined"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    membership = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("membership")
    )

    objects = MembershipInvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership invitation")
        verbose_name_plural = _("membership invitations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(accepted_at__isnull=True, declined_at__isnull=True)
                    | Q(accepted_at__isnull=True, revoked_at__isnull=True)
                    | Q(declined_at__isnull=True, revoked_at__isnull=True)
                ),
                name="invitation_closed_once",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "email"], name="invitation_email_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation} ({self.get_role_display()})"

    @staticmethod
    def hash_token(token: str) -> str:
        """What is stored of a link's secret: its SHA-256 (the secret has 256 random bits, so no
        salt or slow hash is needed)."""
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def status(self) -> InvitationStatus:
        """Answered, revoked, expired, or still waiting for an answer."""
        if self.accepted_at is not None:
            return InvitationStatus.ACCEPTED
        if self.declined_at is not None:
            return InvitationStatus.DECLINED
        if self.revoked_at is not None:
            return InvitationStatus.REVOKED
        if self.expires_at <= timezone.now():
            return InvitationStatus.EXPIRED
        return InvitationStatus.PENDING

    def get_status_display(self) -> str:
        return self.status.label


class PartnershipQuerySet(RestrictedQuerySet):
    def active(self) -> "PartnershipQuerySet":
        """The partnerships in force: accepted by the other side and not ended. Only these give
        access (the ``Partnered`` rule, referral recipients)."""
        return self.filter(status=PartnershipStatus.ACTIVE)


class Partnership(models.Model):
    """An agreement that ``organisation`` works with ``partner`` for one scope.

    With the referrals scope, ``organisation`` may refer people to ``partner``; with the housing
    scope, ``organisation`` sees ``partner``'s bed availability and may hold its beds.

    Access is granted by the side that owns it: one side proposes (``proposed_by``), and the
    partnership takes effect only when an admin or coordinator of the other side accepts it.
    Either side may end it at once; the proposer may withdraw a proposal not yet answered. Rows
    are kept afterwards (declined, withdrawn, ended) as the record of who agreed to what and when;
    a new proposal for the same pair and scope is a new row.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="partnerships_out", verbose_name=_("organisation")
    )
    partner = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="partnerships_in", verbose_name=_("partner")
    )
    scope = models.CharField(_("scope"), max_length=32, choices=PartnershipScope.choices)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=PartnershipStatus.choices, default=PartnershipStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("proposed by")
    )
    proposed_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by (person)"),
    )
    created_at = models.DateTimeField(_("date of the proposal"), auto_now_add=True)
    answered_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by (person)"),
    )
    answered_at = models.DateTimeField(_("date of the answer"), null=True, blank=True)
    ended_by = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("ended by")
    )
    ended_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ended by (person)"),
    )
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        ordering = ["organisation__name", "partner__name", "scope"]
        constraints = [
            # One proposal or partnership in force per pair and scope; closed ones are history.
            models.UniqueConstraint(
                fields=["organisation", "partner", "scope"],
                condition=Q(status__in=[PartnershipStatus.PROPOSED, PartnershipStatus.ACTIVE]),
                name="unique_open_partnership",
            ),
            models.CheckConstraint(condition=~Q(organisation=models.F("partner")), name="partnership_not_self"),
            models.CheckConstraint(
                condition=Q(proposed_by=models.F("organisation")) | Q(proposed_by=models.F("partner")),
                name="partnership_proposed_by_a_side",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.partner} ({self.get_scope_display()})"

    @property
    def answering_side(self) -> Organisation:
        """The organisation that accepts or declines: the one that did not propose."""
        return self.partner if self.proposed_by_id == self.organisation_id else self.organisation

    @property
    def closed_at(self):
        """When a closed partnership closed: withdrawn or ended (``ended_at``), else declined
        (``answered_at``); None while it is proposed or active."""
        if self.status in (PartnershipStatus.PROPOSED, PartnershipStatus.ACTIVE):
            return None
        return self.ended_at or self.answered_at

    def summary(self) -> str:
        """What the partnership allows, in a sentence of the active language."""
        return partnership_summary(self.organisation.name, self.partner.name, self.scope)


def agreement_document_path(agreement: "DataSharingAgreement", filename: str) -> str:
    """Where a signed agreement is stored: under its partnership, with a random name (the
    uploaded name may hold anything, and is not needed)."""
    return f"agreements/{agreement.partnership_id}/{uuid.uuid4().hex}.pdf"


class DataSharingAgreementQuerySet(RestrictedQuerySet):
    def in_force(self, on: date | None = None) -> "DataSharingAgreementQuerySet":
        """The agreements in force on ``on`` (today): not ended, and their dates contain the day."""
        on = on or timezone.localdate()
        return self.filter(ended_at__isnull=True, valid_from__lte=on, valid_until__gte=on)


class DataSharingAgreement(models.Model):
    """The signed agreement a partnership rests on: which purposes (need categories) and which
    groups of a person's data ``partnership.organisation`` may share with ``partnership.partner``,
    from ``valid_from`` to ``valid_until``.

    The agreement decides per organisation, the consent per person: a referral or a hold needs
    both (``organisations.selectors.agreement_in_force``). A partnership may carry several over
    time; the ones in force are those whose dates contain today and that were not ended. The
    signed PDF is kept in the private storage and only streamed to the two sides' managers.
    ``lapse_notified_at`` records that the coordinators were told it lapses soon, so they are told
    once.
    """

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="agreements", verbose_name=_("partnership")
    )
    reference = models.CharField(
        _("reference"),
        max_length=100,
        validators=[validate_text],
        help_text=_("The number or title the two organisations gave the signed agreement."),
    )
    purposes = models.JSONField(
        _("purposes"), validators=[validate_purposes], help_text=_("Needs for which data may be shared.")
    )
    data_groups = models.JSONField(_("data shared"), validators=[validate_data_groups])
    valid_from = models.DateField(_("valid from"), validators=[working_date_validator])
    valid_until = models.DateField(_("valid until"), validators=[working_date_validator])
    document = models.FileField(
        _("signed agreement (PDF)"),
        storage=private_storage,
        upload_to=agreement_document_path,
        max_length=200,
        validators=[validate_pdf],
    )
    recorded_for = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("recorded by (organisation)")
    )
    # None: recorded by the platform itself (the demo seed, an agreement signed before Passerelle).
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ended by"),
    )
    lapse_notified_at = models.DateTimeField(_("lapse notice sent"), null=True, blank=True)

    # How long before its last day an agreement is announced as lapsing (both sides' managers are
    # told, the partnerships page counts the days): time to have the renewal signed.
    LAPSE_WARNING_DAYS = 30

    objects = DataSharingAgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("data-sharing agreement")
        verbose_name_plural = _("data-sharing agreements")
        ordering = ["partnership", "-valid_until", "-recorded_at"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__gte=models.F("valid_from")), name="agreement_period_order"),
        ]
        indexes = [models.Index(fields=["valid_until"], name="agreement_valid_until")]

    def __str__(self) -> str:
        return f"{self.reference} ({self.partnership})"

    def clean(self) -> None:
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError(
                {"valid_until": _("The agreement cannot end before it starts: give an end date on or after the start.")}
            )

    def is_in_force(self, on: date | None = None) -> bool:
        """The rule of ``DataSharingAgreementQuerySet.in_force`` on one agreement."""
        on = on or timezone.localdate()
        return self.ended_at is None and self.valid_from <= on <= self.valid_until

    def covers(self, *, purposes, data_groups) -> bool:
        """Whether this agreement names every purpose and every data group given."""
        return set(purposes) <= set(self.purposes) and set(data_groups) <= set(self.data_groups)

    def days_left(self, on: date | None = None) -> int:
        """Days from ``on`` (today) to the last day of the agreement (0: it lapses tonight)."""
        return (self.valid_until - (on or timezone.localdate())).days

    @property
    def lapses_soon(self) -> bool:
        """In force and lapsing within ``LAPSE_WARNING_DAYS``: time to record the renewal."""
        return self.is_in_force() and self.days_left() <= self.LAPSE_WARNING_DAYS

    def purpose_labels(self) -> list[str]:
        return [str(NeedCategory(code).label) for code in self.purposes if code in NeedCategory.values]

    def data_group_labels(self) -> list[str]:
        return [str(DataGroup(code).label) for code in self.data_groups if code in DataGroup.values]


def partnership_summary(organisation: str, partner: str, scope: str) -> str:
    """What a partnership of ``scope`` lets ``organisation`` do with ``partner``, in a sentence of
    the active language (pages and notifications, which keep only names and codes)."""
    if scope == PartnershipScope.HOUSING:
        return gettext("%(organisation)s sees the free beds of %(partner)s and can hold them.") % {
            "organisation": organisation,
            "partner": partner,
        }
    return gettext("%(organisation)s sends referrals to %(partner)s.") % {
        "organisation": organisation,
        "partner": partner,
    }


class Location(models.Model):
    """A place where an organisation delivers services (HSDS ``location`` with one address)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="locations", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200, validators=[validate_name])
    description = models.TextField(_("description"), blank=True, max_length=4000)
    address_1 = models.CharField(_("address"), max_length=200)
    city = models.CharField(_("city"), max_length=100, default="Québec")
    region = models.CharField(_("province"), max_length=50, default="QC")
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    country = models.CharField(_("country"), max_length=2, default="CA")
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["organisation__name", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        require_french(self)


class Service(models.Model):
    """A service an organisation offers, as listed in the directory (HSDS ``service``).

    The need categories and languages are rows of their own so that the directory can be searched
    by them on every database.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="services", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200, validators=[validate_name])
    description = models.TextField(_("description"), blank=True, max_length=4000)
    eligibility = models.TextField(_("eligibility"), blank=True, max_length=4000)
    how_to_refer = models.TextField(_("how to refer"), blank=True, max_length=4000)
    email = models.EmailField(_("email"), blank=True)
    url = models.URLField(_("website"), blank=True)
    locations = models.ManyToManyField(Location, blank=True, related_name="services", verbose_name=_("locations"))
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["organisation__name", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        require_french(self)

    @property
    def need_categories(self) -> list[str]:
        """The service's need category codes (uses the prefetched links)."""
        return sorted(link.category for link in self.need_category_links.all())

    @property
    def languages(self) -> list[str]:
        """The service's language codes (uses the prefetched links)."""
        return sorted(link.language for link in self.language_links.all())


class ServiceNeedCategory(models.Model):
    """One need category a service answers."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="need_category_links")
    category = models.CharField(_("need category"), max_length=32, choices=NeedCategory.choices)

    class Meta:
        verbose_name = _("service need category")
        verbose_name_plural = _("service need categories")
        constraints = [models.UniqueConstraint(fields=["service", "category"], name="unique_service_category")]
        indexes = [models.Index(fields=["category"])]

    def __str__(self) -> str:
        return self.get_category_display()


class ServiceLanguage(models.Model):
    """One language a service is delivered in."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="language_links")
    language = models.CharField(_("language"), max_length=3, validators=[language_code_validator])

    class Meta:
        verbose_name = _("service language")
        verbose_name_plural = _("service languages")
        constraints = [models.UniqueConstraint(fields=["service", "language"], name="unique_service_language")]
        indexes = [models.Index(fields=["language"])]

    def __str__(self) -> str:
        return self.language


class AuditEntry(models.Model):
    """One line of the append-only audit log: who, acting for which organisation, did or read
    what, when and from where. Details never hold sensitive personal data.

    Rows are never changed or deleted through the application (see ``AuditQuerySet``), and on
    PostgreSQL a trigger refuses UPDATE and DELETE outright.
    """

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acting organisation"),
    )
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    # The people a read names, as ``,3,17,`` (``organisations.audit.people_text``): "who read this
    # person's file" is a LIKE on one column, and a list read stays one row.
    # A database default too: the application role's raw inserts (and the checks in .ci/run)
    # name no people.
    people = models.TextField(_("people"), blank=True, default="", db_default="")

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit entries are append-only.")


class IdempotencyRecord(models.Model):
    """The stored answer to a write sent with an ``Idempotency-Key`` header, so that a replay
    (a retry after a lost connection, a double click) returns the same answer and writes nothing.
    The same key with another body is refused."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    scope = models.CharField(max_length=200, help_text="HTTP method and path")
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="unique_idempotency_key")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"
