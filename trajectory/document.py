"""The person's document, "My path" ("Mon parcours", "Mi trayecto"): where they are, their next
steps, appointments and deadlines with their dates, what they are entitled to now and next and
where to go, who to call, and the guides that apply — in the language the person chooses.

``build`` makes one structure of translated strings; the page (``trajectory/my_path.html``) and
the PDF (``pdf``) both draw it. Sensitive steps (the claim, health) and the claim's dates are
left out unless the worker ticks them in with the person."""

from datetime import date

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from organisations.choices import NeedCategory
from organisations.pdf import FAMILY, a4_document
from organisations.texts import content_language, translated
from people.choices import MILESTONE_DUE_LABELS, DataGroup, MilestoneKind
from referrals.sharing import HEALTH_NEEDS
from trajectory.paths import PathFacts, PersonPath, entitlements_now_and_next
from trajectory.texts import blocks

# The need categories whose partner reveals the claim or health, gated like the steps.
NEED_GROUPS = {**dict.fromkeys(HEALTH_NEEDS, DataGroup.HEALTH), NeedCategory.LEGAL_IMMIGRATION: DataGroup.IMMIGRATION}
# The dated milestones that are health rather than the claim.
HEALTH_MILESTONES = {MilestoneKind.MEDICAL_EXAM}

# Django's interface language for each content language.
INTERFACE_LANGUAGES = {"fr": "fr-ca", "en": "en-ca", "es": "es-419"}


def _date(day: date) -> str:
    return date_format(day, "DATE_FORMAT")


def _contact(organisation, service=None) -> str:
    parts = [organisation.phone, (service.email if service and service.email else "") or organisation.email]
    return " · ".join(part for part in parts if part)


def build(*, person, path: PersonPath, facts: PathFacts, entitlements, guides, partners, language: str, groups):
    """The document's content in ``language`` (fr, en, es); ``groups`` the sensitive data
    groups ticked in with the person."""
    language = content_language(language)
    groups = set(groups)
    with translation.override(INTERFACE_LANGUAGES[language]):

        def allowed(group: str) -> bool:
            return not group or group in groups

        def step_line(status) -> dict:
            step = status.step
            name = translated(step, "name", language)
            detail = []
            if status.due_on:
                if status.overdue:
                    detail.append(
                        _("It was planned by %(date)s: let us talk about it.") % {"date": _date(status.due_on)}
                    )
                else:
                    detail.append(_("To do by %(date)s.") % {"date": _date(status.due_on)})
            if status.referral is not None and allowed(NEED_GROUPS.get(status.referral.need_category, "")):
                detail.append(_("With %(partner)s.") % {"partner": status.referral.recipient.name})
            explanation = translated(step, "explanation", language)
            return {
                "text": name.text,
                "explanation": explanation.text,
                "detail": " ".join(detail),
                "missing": name.missing or (explanation.missing and bool(explanation.text)),
            }

        next_steps = [step_line(status) for status in path.next_steps if allowed(status.step.sensitive_group)]
        dates = []
        for kind, milestone in sorted(facts.milestones.items(), key=lambda item: item[1].due_on or date.max):
            if milestone.occurred_on or not milestone.due_on:
                continue
            group = DataGroup.HEALTH if kind in HEALTH_MILESTONES else DataGroup.IMMIGRATION
            if not allowed(group):
                continue
            what = MILESTONE_DUE_LABELS.get(kind) or milestone.get_kind_display()
            line = _("%(what)s: %(date)s") % {"what": what, "date": _date(milestone.due_on)}
            if milestone.place:
                line = f"{line} — {milestone.place}"
            dates.append({"text": line, "late": milestone.due_on < timezone.localdate()})
        now, later = entitlements_now_and_next(
            [item for item in entitlements if allowed(item.sensitive_group)], path, facts
        )

        def entitlement_line(entitlement) -> dict:
            name = translated(entitlement, "name", language)
            description = translated(entitlement, "description", language)
            where = ""
            if entitlement.service is not None:
                service = entitlement.service
                where = _("Where to go: %(place)s") % {"place": f"{service.organisation.name} — {service.name}"}
                contact = _contact(service.organisation, service)
                if contact:
                    where = f"{where} ({contact})"
            return {
                "text": name.text,
                "explanation": description.text,
                "detail": where,
                "missing": name.missing or description.missing,
            }

        hub = person.owner
        contacts = [{"text": hub.name, "detail": _contact(hub)}]
        seen = {hub.pk}
        for referral in partners:
            if referral.recipient_id in seen or not allowed(NEED_GROUPS.get(referral.need_category, "")):
                continue
            seen.add(referral.recipient_id)
            contacts.append({"text": referral.recipient.name, "detail": _contact(referral.recipient, referral.service)})
        phase = translated(path.current_phase, "name", language).text if path.current_phase else ""
        guide_texts = []
        for guide in guides:
            if not allowed(guide.sensitive_group):
                continue
            title, body = translated(guide, "title", language), translated(guide, "body", language)
            guide_texts.append(
                {
                    "title": title.text,
                    "blocks": blocks(body.text),
                    "missing": body.missing,
                    "reviewed": _("Reviewed on %(date)s, version %(version)s")
                    % {"date": _date(guide.reviewed_on), "version": guide.version},
                }
            )
        return {
            "language": language,
            "title": _("My path"),
            "person": person.full_name,
            "made_on": _("Made on %(date)s") % {"date": _date(timezone.localdate())},
            "where": _("You are in this part of your path: %(phase)s.") % {"phase": phase} if phase else "",
            "sections": [
                {"title": _("Your next steps"), "items": next_steps, "empty": _("Nothing planned for now.")},
                *(
                    [{"title": _("Your appointments and deadlines"), "items": dates, "empty": _("No date for now.")}]
                    if groups
                    else []
                ),
                {
                    "title": _("What you can get now"),
                    "items": [entitlement_line(item) for item in now],
                    "empty": _("Ask us what you can get."),
                },
                {"title": _("What opens next"), "items": [entitlement_line(item) for item in later], "empty": ""},
                {"title": _("Who to call"), "items": contacts, "empty": ""},
            ],
            "guides": guide_texts,
            "missing_note": _("Not yet translated: shown in French."),
        }


def pdf(document: dict) -> bytes:
    """The document on A4 pages, to print and hand over."""
    page = a4_document(title=document["title"], language=document["language"])

    def write(text: str, size: float = 10, bold: bool = False, height: float = 5) -> None:
        page.set_font(FAMILY, "B" if bold else "", size)
        page.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")

    write(document["title"], 18, True, 9)
    write(f"{document['person']} · {document['made_on']}", 9)
    page.ln(2)
    if document["where"]:
        write(document["where"], 11, True, 6)
    for section in document["sections"]:
        if not section["items"] and not section["empty"]:
            continue
        page.ln(3)
        write(section["title"], 13, True, 7)
        if not section["items"]:
            write(section["empty"])
        for item in section["items"]:
            mark = f" ({document['missing_note']})" if item.get("missing") else ""
            write(f"• {item['text']}{mark}", 10.5, True)
            for key in ("explanation", "detail"):
                if item.get(key):
                    write(item[key], 9.5)
            page.ln(1)
    for guide in document["guides"]:
        page.ln(4)
        write(guide["title"], 13, True, 7)
        if guide["missing"]:
            write(document["missing_note"], 8.5)
        for kind, items in guide["blocks"]:
            for item in items:
                write(f"• {item}" if kind == "ul" else item, 9.5)
            page.ln(1)
        write(guide["reviewed"], 8)
    return bytes(page.output())
