"""The wizard that refers a person from their file: need → partner → information shared → send.

Each step is validated on the server, and each page carries the previous steps' answers in hidden
fields: every request answers again all the steps before the one it shows. Whom the person may be
referred to, and under which consent, is ``referrals.selectors``'s to say.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organisations.choices import SPOKEN_LANGUAGES, NeedCategory
from organisations.errors import ApplicationError, NotFoundError
from organisations.selectors import referral_partners
from people import selectors as people_selectors
from people.choices import SENSITIVE_DATA_GROUPS, DataGroup, NeedUrgency
from referrals import selectors, services, sharing
from referrals.forms import ReferralDataForm, ReferralNeedForm, ReferralPartnerForm

# Tokens of the wizard's last sends, kept in the session so that a double click sends once.
WIZARD_SENT_KEY = "referral_wizard_sent"
WIZARD_SENT_KEEP = 20


class ReferralWizard:
    """The wizard answering one request about one person. What each step does is in ``STEPS``;
    the answers of the steps already passed are kept on the instance and their context in
    ``self.context``, which every later page shows."""

    def __init__(self, request, person):
        self.request = request
        self.user = request.user
        self.person = person
        self.sender = person.owner
        self.context = {
            "person": person,
            "sender": self.sender,
            "language_name": SPOKEN_LANGUAGES.get(person.preferred_language, person.preferred_language),
            "sensitive_groups": {str(group) for group in SENSITIVE_DATA_GROUPS},
        }

    def answer(self):
        """Validate every step up to the one posted, in order, and show the next one; stop
        earlier at a step whose answers are not valid, or that the user goes back to."""
        if self.request.method != "POST":
            return self.show("need", **STEPS[0].opened(self))
        posted = self.request.POST.get("step")
        if posted not in {step.name for step in STEPS}:
            posted = "need"
        going_back = "back" in self.request.POST
        for step, following in pairwise(STEPS):
            form = step.bound(self)
            if not form.is_valid() or (posted == following.name and going_back):
                return self.show(step.name, **{f"{step.name}_form": form})
            self.context.update(step.answered(self, form))
            if posted == step.name:
                return self.show(following.name, **following.opened(self))
        return self.send()

    def show(self, step: str, **extra):
        carried = [
            (name, value)
            for other in STEPS
            if other.name != step
            for name in other.fields
            for value in self.request.POST.getlist(name)
        ]
        steps = [
            {"name": other.name, "label": other.label, "number": number, "current": other.name == step}
            for number, other in enumerate(STEPS, start=1)
        ]
        return render(
            self.request,
            "referrals/wizard.html",
            {**self.context, **extra, "step": step, "steps": steps, "carried": carried},
        )

    # --- Step 1: the need ---

    def need_opened(self) -> dict:
        initial = {
            "need_category": self.request.GET.get("need_category", ""),
            "urgency": self.request.GET.get("urgency", NeedUrgency.DAYS),
        }
        return {"need_form": ReferralNeedForm(initial=initial, has_household=bool(self.person.household_id))}

    def need_bound(self) -> ReferralNeedForm:
        return ReferralNeedForm(self.request.POST, has_household=bool(self.person.household_id))

    def need_answered(self, form) -> dict:
        self.need = form.cleaned_data
        category = self.need["need_category"]
        self.offered, in_language = selectors.partner_services(
            user=self.user,
            partners=referral_partners(user=self.user, organisation=self.sender),
            need_category=category,
            language=self.person.preferred_language,
        )
        consent_for = selectors.consenting_recipient_ids(user=self.user, person=self.person, need_category=category)
        return {
            "need": self.need,
            "need_label": NeedCategory(category).label,
            "service_rows": [
                {"service": service, "has_consent": service.organisation_id in consent_for} for service in self.offered
            ],
            "in_language": in_language,
        }

    # --- Step 2: the partner ---

    def partner_opened(self) -> dict:
        previous = self.request.POST.get("service", "") or (self.offered[0].pk if len(self.offered) == 1 else "")
        return {"partner_form": ReferralPartnerForm(services=self.offered, initial={"service": previous})}

    def partner_bound(self) -> ReferralPartnerForm:
        return ReferralPartnerForm(self.request.POST, services=self.offered)

    def partner_answered(self, form) -> dict:
        self.service = next(service for service in self.offered if service.pk == form.cleaned_data["service"])
        recipient_id = self.service.organisation_id
        self.consents = selectors.covering_consents(
            user=self.user, person=self.person, recipient_id=recipient_id, need_category=self.need["need_category"]
        )
        allowed = {group for consent in self.consents for group in consent.data_groups}
        self.groups = [(code, label) for code, label in DataGroup.choices if code in allowed]
        return {
            "service": self.service,
            "groups": self.groups,
            "record_consent_url": (
                f"{reverse('people:file', args=[self.person.pk])}?consent_recipient={recipient_id}"
                f"&consent_purpose={self.need['need_category']}#record-consent"
            ),
        }

    # --- Step 3: the information shared ---

    def data_opened(self) -> dict:
        codes = {code for code, _label in self.groups}
        previous = [group for group in self.request.POST.getlist("shared_groups") if group in codes]
        if not previous:
            previous = sharing.default_groups(self.need["need_category"], codes)
        return {"data_form": ReferralDataForm(groups=self.groups, initial={"shared_groups": previous})}

    def data_bound(self) -> ReferralDataForm:
        """The groups chosen, valid only when one consent covers them all."""
        form = ReferralDataForm(self.request.POST, groups=self.groups)
        if form.is_valid():
            self.consent = selectors.consent_covering(self.consents, form.cleaned_data["shared_groups"])
            if self.consent is None:
                form.add_error(
                    "shared_groups",
                    _("No single consent covers all these groups: choose fewer, or record a consent that covers them."),
                )
        return form

    def data_answered(self, form) -> dict:
        self.shared_groups = form.cleaned_data["shared_groups"]
        urgency = NeedUrgency(self.need["urgency"])
        return {
            "consent": self.consent,
            "shared_labels": [
                (label, code in SENSITIVE_DATA_GROUPS) for code, label in self.groups if code in self.shared_groups
            ],
            "respond_by": timezone.now() + services.DEFAULT_RESPONSE_TIME[urgency],
            "urgency_label": urgency.label,
        }

    # --- Step 4: review and send ---

    def review_opened(self) -> dict:
        return {"submission": uuid.uuid4().hex}

    def send(self):
        """Send the referral. A second click on Send (same submission token) sends nothing more."""
        submission = self.request.POST.get("submission", "")
        session = self.request.session
        already_sent = session.get(WIZARD_SENT_KEY, {})
        if submission and submission in already_sent:
            return redirect("referrals:detail", already_sent[submission])
        try:
            referral = services.referral_create(
                actor=self.user,
                sender=self.sender,
                recipient=self.service.organisation,
                service=self.service,
                person=self.person,
                need_category=self.need["need_category"],
                urgency=self.need["urgency"],
                reason=self.need["reason"],
                for_household=self.need.get("for_household", False),
                shared_groups=self.shared_groups,
                consent=self.consent,
            )
        except NotFoundError:
            raise Http404 from None
        except ApplicationError as error:
            return self.show("review", submission=submission, send_error=str(error.message))
        except ValidationError as error:
            return self.show("review", submission=submission, send_error=" ".join(error.messages))
        if submission:
            already_sent = dict(list(already_sent.items())[-(WIZARD_SENT_KEEP - 1) :])
            already_sent[submission] = referral.pk
            session[WIZARD_SENT_KEY] = already_sent
        organisation = self.service.organisation
        messages.success(self.request, _("Referral sent to %(organisation)s.") % {"organisation": organisation.name})
        return redirect("referrals:detail", referral.pk)


@dataclass(frozen=True)
class Step:
    """One step of the wizard. ``opened`` gives its page's form the first time it is shown;
    ``bound`` its form bound to the posted answers and checked; ``answered`` what its valid
    answers add to the pages of the steps that follow."""

    name: str
    label: Promise  # in the progress bar
    fields: tuple[str, ...]  # its answers, carried in hidden fields by the other steps' pages
    opened: Callable[[ReferralWizard], dict]
    bound: Callable[[ReferralWizard], object] | None = None
    answered: Callable[[ReferralWizard, object], dict] | None = None


STEPS = (
    Step(
        "need",
        gettext_lazy("Need"),
        ("need_category", "urgency", "reason", "for_household"),
        ReferralWizard.need_opened,
        ReferralWizard.need_bound,
        ReferralWizard.need_answered,
    ),
    Step(
        "partner",
        gettext_lazy("Partner"),
        ("service",),
        ReferralWizard.partner_opened,
        ReferralWizard.partner_bound,
        ReferralWizard.partner_answered,
    ),
    Step(
        "data",
        gettext_lazy("Information shared"),
        ("shared_groups",),
        ReferralWizard.data_opened,
        ReferralWizard.data_bound,
        ReferralWizard.data_answered,
    ),
    Step("review", gettext_lazy("Send"), (), ReferralWizard.review_opened),
)


@login_required
def referral_wizard(request, person_id: int):
    """Refer a person in four steps: need → partner → information shared → send."""
    person = people_selectors.person_list(user=request.user).filter(pk=person_id).first()
    if person is None:
        raise Http404
    return ReferralWizard(request, person).answer()
