"""A hub's coordinator records the signed data-sharing agreement of a partnership on a phone, in
French: the form opens under the partnership, a wrong file is answered next to the field, the
PDF is uploaded and the agreement shows what it covers and until when."""

from datetime import timedelta

import pytest
from django.utils import timezone

from organisations.choices import OrganisationKind, PartnershipScope, Role
from organisations.models import DataSharingAgreement
from tests import factories
from tests.browser.test_access import PHONE, fits_the_phone
from tests.browser.test_shell import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_coordinator_records_the_agreement_on_a_phone(new_page, outside_event_loop, tmp_path):
    def make_data():
        hub = factories.organisation(kind=OrganisationKind.HUB, name="Centre d'accueil")
        agency = factories.organisation(kind=OrganisationKind.EMPLOYMENT, name="Emploi Nouveaux Arrivants")
        coordinator = factories.member(hub, Role.COORDINATOR, full_name="Geneviève Tremblay")
        partnership = factories.partnership(hub, agency, PartnershipScope.REFERRALS, with_agreement=False)
        return coordinator, partnership

    coordinator, partnership = outside_event_loop(make_data)
    not_pdf = tmp_path / "entente.pdf"
    not_pdf.write_bytes(b"<html>pas un PDF</html>")
    pdf = tmp_path / "entente-signee.pdf"
    pdf.write_bytes(factories.AGREEMENT_PDF)
    prefix = f"#id_agreement-{partnership.pk}"

    page = new_page(viewport=PHONE)
    log_in(page, coordinator.email)
    page.goto("/partnerships/")
    item = page.locator(f"#partnership-{partnership.pk}")
    # No agreement yet: the partnership warns that referrals are refused.
    assert item.locator(".alert--warning").count() == 1
    item.locator("summary[data-action=agreement-record]").click()
    page.fill(f"{prefix}-reference", "EPR-2026-07")
    page.check(f"{prefix}-purposes_0")
    page.check(f"{prefix}-data_groups_0")
    page.fill(f"{prefix}-valid_from", timezone.localdate().isoformat())
    page.fill(f"{prefix}-valid_until", (timezone.localdate() + timedelta(days=365)).isoformat())
    page.set_input_files(f"{prefix}-document", str(not_pdf))
    page.click(f"#partnership-{partnership.pk} button[data-action=confirm-agreement-record]")
    page.wait_for_selector(".field--error")
    assert "PDF" in page.inner_text(".field--error")
    assert fits_the_phone(page)
    assert not DataSharingAgreement.objects.exists()

    page.set_input_files(f"{prefix}-document", str(pdf))
    page.click(f"#partnership-{partnership.pk} button[data-action=confirm-agreement-record]")
    page.wait_for_selector(".message--success")
    item = page.locator(f"#partnership-{partnership.pk}")
    assert "EPR-2026-07" in item.inner_text()
    assert item.locator(".alert--warning").count() == 0
    assert item.locator("a[data-action=agreement-document]").count() == 1
    assert fits_the_phone(page)
    assert DataSharingAgreement.objects.get().reference == "EPR-2026-07"
