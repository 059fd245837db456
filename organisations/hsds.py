"""The service directory as Open Referral HSDS 3.0 JSON (schemas in ../shared/hsds-3.0/).

HSDS identifiers are UUIDs; Passerelle derives a stable one from each row's type and id, so an
exported record keeps its identity from one export to the next.
"""

import uuid

from organisations.choices import SPOKEN_LANGUAGES, NeedCategory
from organisations.models import Location, Organisation, Service

NAMESPACE = uuid.UUID("5b0e3a52-7c1f-4c53-9a4b-8f1d2f6c0a11")


def hsds_id(kind: str, pk: int) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{pk}"))


def without_empty(record: dict) -> dict:
    """HSDS leaves unknown optional fields out rather than null."""
    return {key: value for key, value in record.items() if value not in (None, "")}


def organisation_to_hsds(organisation: Organisation) -> dict:
    return without_empty(
        {
            "id": hsds_id("organization", organisation.pk),
            "name": organisation.name,
            "description": organisation.description or organisation.name,
            "email": organisation.email,
            "website": organisation.website or None,
            "phones": [_phone(organisation)] if organisation.phone else [],
            "locations": [
                location_to_hsds(location) for location in organisation.locations.all() if location.is_active
            ],
            "services": [service_to_hsds(service) for service in organisation.services.all()],
        }
    )


def _phone(organisation: Organisation) -> dict:
    return {"id": hsds_id("phone", organisation.pk), "number": organisation.phone}


def location_to_hsds(location: Location) -> dict:
    return without_empty(
        {
            "id": hsds_id("location", location.pk),
            "location_type": "physical",
            "organization_id": hsds_id("organization", location.organisation_id),
            "name": location.name,
            "description": location.description or None,
            "latitude": float(location.latitude) if location.latitude is not None else None,
            "longitude": float(location.longitude) if location.longitude is not None else None,
            "addresses": [
                {
                    "id": hsds_id("address", location.pk),
                    "location_id": hsds_id("location", location.pk),
                    "address_1": location.address_1,
                    "city": location.city,
                    "region": location.region,
                    "state_province": location.region,
                    "postal_code": location.postal_code,
                    "country": location.country,
                    "address_type": "physical",
                }
            ],
        }
    )


def service_to_hsds(service: Service) -> dict:
    service_id = hsds_id("service", service.pk)
    return without_empty(
        {
            "id": service_id,
            "organization_id": hsds_id("organization", service.organisation_id),
            "name": service.name,
            "description": service.description or None,
            "url": service.url or None,
            "email": service.email or None,
            "status": "active" if service.is_active else "inactive",
            "eligibility_description": service.eligibility or None,
            "application_process": service.how_to_refer or None,
            "languages": [
                {
                    "id": hsds_id(f"service-language-{code}", service.pk),
                    "service_id": service_id,
                    "name": str(SPOKEN_LANGUAGES.get(code, code)),
                    "code": code,
                }
                for code in service.languages
            ],
            "service_at_locations": [
                {
                    "id": hsds_id(f"service-at-location-{location.pk}", service.pk),
                    "service_id": service_id,
                    "location_id": hsds_id("location", location.pk),
                }
                for location in service.locations.all()
            ],
            "attributes": [
                {
                    "id": hsds_id(f"attribute-{category}", service.pk),
                    "link_id": service_id,
                    "link_type": "service",
                    "link_entity": "service",
                    "value": category,
                    "taxonomy_term": {
                        "id": hsds_id(f"term-{category}", 0),
                        "code": category,
                        "name": str(NeedCategory(category).label),
                        "description": str(NeedCategory(category).label),
                        "vocabulary": "passerelle-need-category",
                    },
                }
                for category in service.need_categories
            ],
        }
    )
