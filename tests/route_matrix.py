"""The permission matrix of every route of the project (pages and API), read by tests/test_routes.py.

Each URL pattern has one entry, keyed by its name (a pattern without a name by its regex). A new
route without an entry fails the test: whoever adds a route says here who may use it.

``scope`` says who may use the route:

- ``PUBLIC``: anyone, logged in or not (login, password reset, an invitation's link, the schema).
- ``MEMBER``: any logged-in user; what it shows is the user's own or the network's public
  directory, never another organisation's people. Its object, if any, is the user's own.
- ``GRANTED``: only the roles of organisations that granted access; its object, if any, is one an
  organisation owns or shared.

``granted`` names the demo login (organisations/demo.py) that the route is for; an object route's
object is the first that login may view. ``model`` is the model of the route's ``pk`` (other
parameters name their model); ``query`` is the query string a GET needs. The Django admin's
routes follow one rule: staff only.
"""

from dataclasses import dataclass

from accounts.models import ApiToken
from housing.models import Bed, Hold, Site, Stay, UnmetHousingRequest
from notifications.models import Notification
from organisations.models import (
    AuditEntry,
    DataSharingAgreement,
    Location,
    Membership,
    MembershipInvitation,
    Organisation,
    Partnership,
    Service,
)
from people.models import Consent, DeadlineRule, Household, Intervention, Milestone, Need, Person
from privacy.models import ConfidentialityIncident, PrivacyRequest, Rectification
from referrals.models import Referral
from retention.models import LegalHold
from trajectory.models import Enrolment, Entitlement, Guide, InterpreterRequest, Phase, Programme, Step, Trajectory

PUBLIC, MEMBER, GRANTED = "public", "member", "granted"

# The demo logins, by the role they stand for.
HUB_ADMIN = "admin@accueil-quebec.example"
HUB_COORDINATOR = "coordination@accueil-quebec.example"
HUB_WORKER = "intervenant@accueil-quebec.example"
PRIVACY_OFFICER = "vie-privee@accueil-quebec.example"
PARTNER_AGENT = "agent@ena-quebec.example"
PROVIDER = "hebergement@maisonlephare.example"
LIAISON = "liaison@ville-quebec.example"


@dataclass(frozen=True)
class Route:
    scope: str
    granted: str = HUB_WORKER
    model: type | None = None
    query: str = ""


# Parameters named after what they hold.
PARAMETER_MODELS = {
    "person_id": Person,
    "referral_id": Referral,
    "site_id": Site,
    "hold_id": Hold,
    "bed_id": Bed,
    "stay_id": Stay,
    "notification_id": Notification,
    "consent_id": Consent,
    "need_id": Need,
    "household_id": Household,
    "membership_id": Membership,
    "token_key": ApiToken,
    "slug": Organisation,
    "service_id": Service,
    "legal_hold_id": LegalHold,
    "request_id": PrivacyRequest,
    "rectification_id": Rectification,
    "incident_id": ConfidentialityIncident,
    "trajectory_id": Trajectory,
    "phase_id": Phase,
    "entitlement_id": Entitlement,
    "guide_id": Guide,
    "rule_id": DeadlineRule,
    "interpreter_request_id": InterpreterRequest,
    "enrolment_id": Enrolment,
    "programme_id": Programme,
}
# Parameters that name their object by another field than its id.
PARAMETER_FIELDS = {"token_key": "token_key", "slug": "slug"}

ROUTES = {
    # The shell and the directory: every member sees the network's public directory.
    "home": Route(MEMBER),
    "healthz": Route(PUBLIC),
    "directory": Route(MEMBER),
    "directory-organisation": Route(MEMBER),
    "profile": Route(MEMBER),
    "language-switch": Route(PUBLIC),
    # Organisations: partnerships and members.
    "organisations:partnerships": Route(MEMBER, HUB_ADMIN),
    "organisations:partnership-propose": Route(MEMBER, HUB_ADMIN),
    "organisations:partnership-accept": Route(GRANTED, HUB_ADMIN, Partnership),
    "organisations:partnership-decline": Route(GRANTED, HUB_ADMIN, Partnership),
    "organisations:partnership-withdraw": Route(GRANTED, HUB_ADMIN, Partnership),
    "organisations:partnership-end": Route(GRANTED, HUB_ADMIN, Partnership),
    # A partnership's data-sharing agreements: recorded and ended by either side's admins and
    # coordinators, the signed PDF read by them only.
    "organisations:agreement-record": Route(GRANTED, HUB_ADMIN, Partnership),
    "organisations:agreement-end": Route(GRANTED, HUB_ADMIN, DataSharingAgreement),
    "organisations:agreement-document": Route(GRANTED, HUB_ADMIN, DataSharingAgreement),
    "organisations:members": Route(MEMBER, HUB_ADMIN),
    "organisations:member-invite": Route(MEMBER, HUB_ADMIN),
    "organisations:invitation-revoke": Route(GRANTED, HUB_ADMIN, MembershipInvitation),
    "organisations:invitation": Route(PUBLIC),
    # Bringing a partner organisation in (the hub's admins), its profile (its admins), a role's end.
    "organisations:organisation-new": Route(MEMBER, HUB_ADMIN),
    "organisations:organisation-edit": Route(MEMBER, HUB_ADMIN),
    "organisations:first-admin-invite": Route(MEMBER, HUB_ADMIN),
    "organisations:membership-end": Route(GRANTED, HUB_ADMIN),
    # The audit log: the privacy officers' page (a 404 for everyone else).
    # The directory entry is the network's to read and its organisation's admins' to write.
    "organisations:services": Route(MEMBER, HUB_ADMIN),
    "organisations:service-create": Route(MEMBER, HUB_ADMIN),
    "organisations:service-edit": Route(MEMBER, HUB_ADMIN),
    "organisations:services-import": Route(MEMBER, HUB_ADMIN),
    "organisations:services-import-template": Route(MEMBER, HUB_ADMIN),
    "organisations:audit-log": Route(MEMBER, PRIVACY_OFFICER),
    "organisations:audit-log-export": Route(MEMBER, PRIVACY_OFFICER),
    # Person files.
    "people:list": Route(MEMBER),
    "people:create": Route(MEMBER),
    "people:file": Route(GRANTED),
    "people:edit": Route(GRANTED),
    "people:consent-create": Route(GRANTED),
    "people:consent-withdraw": Route(GRANTED),
    "people:need-create": Route(GRANTED),
    "people:need-update": Route(GRANTED),
    "people:milestone-create": Route(GRANTED),
    "people:intervention-create": Route(GRANTED),
    "people:household-create": Route(GRANTED),
    "people:household-member-update": Route(GRANTED),
    "people:household-contact": Route(GRANTED),
    "people:household-member-remove": Route(GRANTED),
    "people:household": Route(GRANTED),
    "people:household-update": Route(GRANTED),
    "people:household-member-add": Route(GRANTED),
    "people:household-member-create": Route(GRANTED),
    # Referrals.
    "referrals:inbox": Route(MEMBER),
    "referrals:refer": Route(GRANTED),
    "referrals:detail": Route(GRANTED),
    "referrals:action": Route(GRANTED),
    "referrals:assign": Route(GRANTED),
    "referrals:rerefer": Route(GRANTED),
    "referrals:message": Route(GRANTED),
    # Housing.
    "housing:board": Route(MEMBER),
    "housing:unmet-request-create": Route(MEMBER),
    "housing:site": Route(GRANTED),
    "housing:hold-create": Route(GRANTED),
    "housing:hold-release": Route(GRANTED),
    "housing:hold-extend": Route(GRANTED),
    "housing:hold-move": Route(GRANTED),
    "housing:stay-move": Route(GRANTED, PROVIDER),
    "housing:provider": Route(MEMBER, PROVIDER),
    "housing:site-texts": Route(GRANTED, PROVIDER),
    "housing:site-confirm": Route(GRANTED, PROVIDER),
    "housing:bed-out-of-service": Route(GRANTED, PROVIDER),
    "housing:bed-in-service": Route(GRANTED, PROVIDER),
    "housing:hold-check-in": Route(GRANTED, PROVIDER),
    "housing:hold-no-show": Route(GRANTED, PROVIDER),
    "housing:stay-extend": Route(GRANTED, PROVIDER),
    "housing:stay-check-out": Route(GRANTED, PROVIDER),
    # Reports: aggregates for the hub and the city.
    "reports:dashboard": Route(MEMBER, LIAISON),
    "reports:funder-report": Route(MEMBER, LIAISON),
    "reports:funder-report-pdf": Route(MEMBER, LIAISON),
    "reports:export": Route(MEMBER, LIAISON),
    # The privacy desk: requests, corrections, the registers (the person is chosen by ?person=).
    "privacy:desk": Route(MEMBER, PRIVACY_OFFICER),
    "privacy:request-create": Route(MEMBER, PRIVACY_OFFICER),
    "privacy:request": Route(GRANTED, PRIVACY_OFFICER),
    "privacy:request-export-json": Route(GRANTED, PRIVACY_OFFICER),
    "privacy:request-export-pdf": Route(GRANTED, PRIVACY_OFFICER),
    "privacy:request-close": Route(GRANTED, PRIVACY_OFFICER),
    "privacy:rectification-create": Route(MEMBER, PRIVACY_OFFICER),
    "privacy:rectification": Route(GRANTED, PRIVACY_OFFICER),
    "privacy:emergency-register": Route(MEMBER, PRIVACY_OFFICER),
    "privacy:emergency-create": Route(MEMBER, HUB_COORDINATOR),
    "privacy:incidents": Route(MEMBER, PRIVACY_OFFICER),
    "privacy:incident": Route(GRANTED, PRIVACY_OFFICER),
    "privacy:incident-notice": Route(GRANTED, PRIVACY_OFFICER),
    # Notifications: each user's own.
    "notifications:inbox": Route(MEMBER),
    "notifications:open": Route(MEMBER),
    "notifications:read-all": Route(MEMBER),
    "notifications:preferences": Route(MEMBER),
    # Accounts.
    "login": Route(PUBLIC),
    "logout": Route(PUBLIC),
    "two-factor": Route(MEMBER),
    "two-factor-setup": Route(MEMBER),
    "two-factor-verify": Route(MEMBER),
    "two-factor-recovery-codes": Route(MEMBER),
    "two-factor-disable": Route(MEMBER),
    "api-tokens": Route(MEMBER),
    "api-token-revoke": Route(MEMBER),
    "members": Route(MEMBER, HUB_ADMIN),
    "member-two-factor-reset": Route(GRANTED, HUB_ADMIN),
    "password_change": Route(MEMBER),
    "password_change_done": Route(MEMBER),
    "password_reset": Route(PUBLIC),
    "password_reset_done": Route(PUBLIC),
    "password_reset_confirm": Route(PUBLIC),
    "password_reset_complete": Route(PUBLIC),
    # The API: organisations and the directory.
    "api-root": Route(MEMBER),
    "api-me": Route(MEMBER),
    "api-schema": Route(PUBLIC),
    "api-docs": Route(PUBLIC),
    "api-directory-hsds": Route(MEMBER),
    "organisation-list": Route(MEMBER),
    "organisation-detail": Route(MEMBER, model=Organisation),
    "membership-list": Route(MEMBER, HUB_ADMIN),
    "membership-detail": Route(GRANTED, HUB_ADMIN, Membership),
    "membership-end": Route(GRANTED, HUB_ADMIN, Membership),
    "membership-invitation-list": Route(MEMBER, HUB_ADMIN),
    "membership-invitation-detail": Route(GRANTED, HUB_ADMIN, MembershipInvitation),
    "membership-invitation-revoke": Route(GRANTED, HUB_ADMIN, MembershipInvitation),
    "partnership-list": Route(MEMBER, HUB_ADMIN),
    "partnership-detail": Route(GRANTED, HUB_ADMIN, Partnership),
    "partnership-accept": Route(GRANTED, HUB_ADMIN, Partnership),
    "partnership-decline": Route(GRANTED, HUB_ADMIN, Partnership),
    "partnership-end": Route(GRANTED, HUB_ADMIN, Partnership),
    "partnership-withdraw": Route(GRANTED, HUB_ADMIN, Partnership),
    "service-list": Route(MEMBER),
    "service-detail": Route(MEMBER, model=Service),
    "location-list": Route(MEMBER),
    "location-detail": Route(MEMBER, model=Location),
    "audit-entry-list": Route(MEMBER, PRIVACY_OFFICER),
    "audit-entry-detail": Route(GRANTED, PRIVACY_OFFICER, AuditEntry),
    # The service trajectory: a person's path (their file's readers), the design (the hub's
    # coordinators; a partner sees the path only on a referral, with consent).
    "people:milestone-schedule": Route(GRANTED),
    # Spreadsheet import (people.imports): a hub's admins and coordinators; a batch by its token.
    "people:import": Route(GRANTED, HUB_COORDINATOR),
    "people:import-template": Route(GRANTED, HUB_COORDINATOR),
    "people:import-batch": Route(GRANTED, HUB_COORDINATOR),
    "people:import-commit": Route(GRANTED, HUB_COORDINATOR),
    "people:import-discard": Route(GRANTED, HUB_COORDINATOR),
    "trajectory:my-path": Route(GRANTED, model=Person),
    "trajectory:my-path-pdf": Route(GRANTED, model=Person),
    "trajectory:step-decide": Route(GRANTED),
    "trajectory:step-clear": Route(GRANTED),
    "trajectory:person-version": Route(GRANTED),
    "trajectory:design": Route(MEMBER, HUB_COORDINATOR),
    "trajectory:draft-open": Route(MEMBER, HUB_COORDINATOR),
    "trajectory:publish": Route(GRANTED, HUB_COORDINATOR),
    "trajectory:phase-create": Route(GRANTED, HUB_COORDINATOR),
    "trajectory:phase-edit": Route(GRANTED, HUB_COORDINATOR),
    "trajectory:step-create": Route(GRANTED, HUB_COORDINATOR),
    "trajectory:step-edit": Route(GRANTED, HUB_COORDINATOR, Step),
    "trajectory:entitlements": Route(MEMBER, HUB_COORDINATOR),
    "trajectory:entitlement-create": Route(MEMBER, HUB_COORDINATOR),
    "trajectory:entitlement-edit": Route(GRANTED, HUB_COORDINATOR),
    "trajectory:guides": Route(MEMBER, HUB_COORDINATOR),
    "trajectory:guide-create": Route(MEMBER, HUB_COORDINATOR),
    "trajectory:guide-edit": Route(GRANTED, HUB_COORDINATOR),
    "trajectory:deadline-rules": Route(MEMBER, HUB_COORDINATOR),
    "trajectory:deadline-rule-create": Route(MEMBER, HUB_COORDINATOR),
    "trajectory:deadline-rule-edit": Route(GRANTED, HUB_COORDINATOR),
    "trajectory:assessment-create": Route(GRANTED),
    "trajectory:interpreter-create": Route(GRANTED),
    "trajectory:interpreter-update": Route(GRANTED),
    "trajectory:enrolment-create": Route(GRANTED),
    "trajectory:enrolment-outcome": Route(GRANTED),
    "trajectory:complex": Route(MEMBER),
    "trajectory:programmes": Route(MEMBER),
    "trajectory:programme": Route(GRANTED),
    "reports:trajectory": Route(MEMBER, LIAISON),
    # Retention: the privacy officers' page, legal holds on their organisation's files.
    "retention:overview": Route(GRANTED, PRIVACY_OFFICER),
    "retention:hold-set": Route(GRANTED, PRIVACY_OFFICER),
    "retention:hold-lift": Route(GRANTED, PRIVACY_OFFICER),
    # The API: person files.
    "person-list": Route(MEMBER),
    "person-duplicates": Route(MEMBER, query="given_names=Ana&family_names=Lopez"),
    "person-detail": Route(GRANTED, model=Person),
    "person-consents": Route(GRANTED, model=Person),
    "consent-list": Route(MEMBER),
    "consent-detail": Route(GRANTED, model=Consent),
    "consent-withdraw": Route(GRANTED, model=Consent),
    "need-list": Route(MEMBER),
    "need-detail": Route(GRANTED, model=Need),
    "milestone-list": Route(MEMBER),
    "milestone-detail": Route(GRANTED, model=Milestone),
    "intervention-list": Route(MEMBER),
    "intervention-detail": Route(GRANTED, model=Intervention),
    "household-list": Route(MEMBER),
    "household-detail": Route(GRANTED, model=Household),
    "household-add-member": Route(GRANTED, model=Household),
    "household-set-relationship": Route(GRANTED, model=Household),
    "household-set-contact": Route(GRANTED, model=Household),
    "household-remove-member": Route(GRANTED, model=Household),
    # The API: referrals.
    "referral-list": Route(MEMBER),
    "referral-detail": Route(GRANTED, model=Referral),
    "referral-accept": Route(GRANTED, PARTNER_AGENT, Referral),
    "referral-answer-info": Route(GRANTED, model=Referral),
    "referral-assign": Route(GRANTED, PARTNER_AGENT, Referral),
    "referral-cancel": Route(GRANTED, model=Referral),
    "referral-complete": Route(GRANTED, PARTNER_AGENT, Referral),
    "referral-decline": Route(GRANTED, PARTNER_AGENT, Referral),
    "referral-messages": Route(GRANTED, model=Referral),
    "referral-re-refer": Route(GRANTED, model=Referral),
    "referral-request-info": Route(GRANTED, PARTNER_AGENT, Referral),
    "referral-send": Route(GRANTED, model=Referral),
    "referral-start": Route(GRANTED, PARTNER_AGENT, Referral),
    # The API: housing.
    "housing-occupancy": Route(MEMBER, LIAISON),
    "housing-site-list": Route(MEMBER),
    "housing-site-detail": Route(GRANTED, model=Site),
    "housing-site-confirm": Route(GRANTED, PROVIDER, Site),
    "housing-site-rooms": Route(GRANTED, PROVIDER, Site),
    "housing-bed-in-service": Route(GRANTED, PROVIDER, Bed),
    "housing-bed-out-of-service": Route(GRANTED, PROVIDER, Bed),
    "housing-hold-list": Route(MEMBER),
    "housing-hold-detail": Route(GRANTED, model=Hold),
    "housing-hold-check-in": Route(GRANTED, PROVIDER, Hold),
    "housing-hold-release": Route(GRANTED, model=Hold),
    "housing-hold-extend": Route(GRANTED, model=Hold),
    "housing-hold-move": Route(GRANTED, model=Hold),
    "housing-stay-list": Route(MEMBER),
    "housing-stay-detail": Route(GRANTED, model=Stay),
    "housing-stay-check-out": Route(GRANTED, PROVIDER, Stay),
    "housing-stay-extend": Route(GRANTED, PROVIDER, Stay),
    "housing-stay-move": Route(GRANTED, PROVIDER, Stay),
    "housing-unmet-request-list": Route(MEMBER),
    "housing-unmet-request-detail": Route(GRANTED, model=UnmetHousingRequest),
    # The API: reports, notifications, tokens.
    "reports-timeseries": Route(MEMBER, LIAISON),
    "reports-live": Route(MEMBER, LIAISON),
    "reports-section": Route(MEMBER, LIAISON),
    "notification-list": Route(MEMBER),
    "notification-preferences": Route(MEMBER),
    "notification-read-all": Route(MEMBER),
    "notification-detail": Route(MEMBER, model=Notification),
    "notification-read": Route(MEMBER, model=Notification),
    "api-token-list": Route(MEMBER),
    "api-token-detail": Route(MEMBER),
    "api-two-factor-reset": Route(MEMBER, HUB_ADMIN),
}

# Values of the parameters that are not objects.
# ``step_id`` beside a person: any step (the person is the object the access policy protects).
WORDS = {
    "section": "people",
    "action": "accept",
    "token": "not-a-real-token",
    "uidb64": "MQ",
    "step_id": "1",
    "kind": "people",
}
