"""``manage.py seed_demo``: load the demo network, idempotently (a second run adds nothing)."""

from datetime import timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from organisations import services
from organisations.choices import DataGroup, NeedCategory
from organisations.demo import (
    AGREEMENT_DAYS_LEFT,
    AGREEMENT_DEFAULT_DAYS_LEFT,
    AGREEMENT_SIGNED_DAYS_AGO,
    DEMO_LOADERS,
    DEMO_PASSWORD,
    ORGANISATIONS,
    PARTNERSHIPS,
    USERS,
    agreement_pdf,
    in_three_languages,
)
from organisations.models import Membership, Organisation, Partnership, User


class Command(BaseCommand):
    help = "Load the demo Québec City network, its services and one login per role (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the demo logins.")

    @transaction.atomic
    def handle(self, *args, quiet_logins: bool, **options):
        total = len(ORGANISATIONS) + len(USERS) + len(PARTNERSHIPS) + len(DEMO_LOADERS)
        done = 0
        created = 0
        for spec in ORGANISATIONS:
            created += self.ensure_organisation(spec)
            done += 1
            self.progress(done, total, f"organisation {spec['slug']}")
        for email, full_name, language, slug, role, _purpose in USERS:
            created += self.ensure_member(email, full_name, language, slug, role)
            done += 1
            self.progress(done, total, f"login {email}")
        for organisation_slug, partner_slug, scope in PARTNERSHIPS:
            created += self.ensure_partnership(organisation_slug, partner_slug, scope)
            done += 1
            self.progress(done, total, f"partnership {organisation_slug} → {partner_slug}")
        for name, loader in DEMO_LOADERS:
            created += loader()
            done += 1
            self.progress(done, total, name)
        if self.stdout.isatty():
            self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created} record(s) created)."))
        if not quiet_logins:
            self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
            for email, _name, _language, _slug, _role, purpose in USERS:
                self.stdout.write(f"  {email:42} {purpose}")

    def progress(self, done: int, total: int, what: str) -> None:
        """One progress line, rewritten in place on a terminal, one line per step in a log."""
        if self.stdout.isatty():
            self.stdout.write(f"\r[{done:>2}/{total}] {what[:60]:60}", ending="")
            self.stdout.flush()
        else:
            self.stdout.write(f"[{done:>2}/{total}] {what}")

    def ensure_organisation(self, spec: dict) -> int:
        if Organisation.objects.filter(slug=spec["slug"]).exists():
            return 0
        fields = {key: spec[key] for key in ("name", "slug", "kind", "languages_served", "email", "phone")}
        organisation = services.organisation_create(
            actor=None, **in_three_languages("description", spec["description"]), **fields
        )
        locations = []
        for name, address, postal_code, latitude, longitude in spec["locations"]:
            locations.append(
                services.location_create(
                    actor=None,
                    organisation=organisation,
                    name_fr=name,
                    address_1=address,
                    postal_code=postal_code,
                    latitude=Decimal(latitude) if latitude else None,
                    longitude=Decimal(longitude) if longitude else None,
                )
            )
        for name, needs, languages, eligibility, how_to_refer in spec["services"]:
            services.service_create(
                actor=None,
                organisation=organisation,
                **in_three_languages("name", name),
                need_categories=list(needs),
                languages=languages,
                **in_three_languages("eligibility", eligibility),
                **in_three_languages("how_to_refer", how_to_refer),
                locations=locations,
                **in_three_languages("description", spec["description"]),
                email=spec["email"],
            )
        return 1

    def ensure_member(self, email: str, full_name: str, language: str, slug: str, role: str) -> int:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, DEMO_PASSWORD, full_name=full_name, preferred_language=language)
        organisation = Organisation.objects.get(slug=slug)
        if Membership.objects.filter(user=user, organisation=organisation, role=role, is_active=True).exists():
            return 0
        services.membership_grant(actor=None, organisation=organisation, user=user, role=role)
        return 1

    def ensure_partnership(self, organisation_slug: str, partner_slug: str, scope: str) -> int:
        """An active partnership: the demo network's agreements, proposed and accepted by the
        platform itself (the demo flows need them in force)."""
        organisation = Organisation.objects.get(slug=organisation_slug)
        partner = Organisation.objects.get(slug=partner_slug)
        partnership = (
            Partnership.objects.active().filter(organisation=organisation, partner=partner, scope=scope).first()
        )
        created = 0
        if partnership is None:
            proposal = services.partnership_propose(actor=None, organisation=organisation, partner=partner, scope=scope)
            partnership = services.partnership_accept(actor=None, partnership=proposal)
            created = 1
        return created + self.ensure_agreement(partnership)

    def ensure_agreement(self, partnership: Partnership) -> int:
        """The data-sharing agreement the demo partnership rests on, recorded by the platform
        (its PDF made here), unless one is in force."""
        if partnership.agreements.in_force().exists():
            return 0
        today = timezone.localdate()
        reference = f"EPR-{today.year - 1}-{partnership.pk:03d}"
        days_left = AGREEMENT_DAYS_LEFT.get(partnership.partner.slug, AGREEMENT_DEFAULT_DAYS_LEFT)
        pdf = agreement_pdf(
            reference=reference,
            organisation=partnership.organisation.name,
            partner=partnership.partner.name,
            scope_label=str(partnership.get_scope_display()),
        )
        services.agreement_record(
            actor=None,
            partnership=partnership,
            reference=reference,
            purposes=list(NeedCategory.values),
            data_groups=list(DataGroup.values),
            valid_from=today - timedelta(days=AGREEMENT_SIGNED_DAYS_AGO),
            valid_until=today + timedelta(days=days_left),
            document=ContentFile(pdf, name=f"{reference}.pdf"),
        )
        return 1
