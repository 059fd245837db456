"""The service directory as Open Referral HSDS 3.0 JSON (schemas in ../shared/hsds-3.0/).

HSDS identifiers are UUIDs; Passerelle derives a stable one from each row's type and id, so an
exported record keeps its identity from one export to the next.

HSDS 3.0 holds one text per field, without a language: an export is in one content language
(French, English or Spanish, ``organisations.texts``), each text in it where the organisation
wrote it, else in French. The languages a service is delivered in are HSDS ``language`` objects
on the service and, for the services offered there, on the location.
"""

import uuid

from organisations.choices import SPOKEN_LANGUAGES, NeedCategory
from organisations.models import Location, Organisation, Service
from organisations.texts import translated

NAMESPACE = uuid.UUID("5b0e3a52-7c1f-4c53-9a4b-8f1d2f6c0a11")


def hsds_id(kind: str, pk: int) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{pk}"))


def without_empty(record: dict) -> dict:
    """HSDS leaves unknown optional fields out rather than null."""
    return {key: value for key, value in record.items() if value not in (None, "")}


def organisation_to_hsds(organisation: Organisation, language: str) -> dict:
    """``organisation`` with its active locations and its services, texts in ``language``."""
    return without_empty(
        {
            "id": hsds_id("organization", organisation.pk),
            "name": organisation.name,
            "description": translated(organisation, "description", language).text or organisation.name,
            "email": organisation.email,
            "website": organisation.website or None,
            "phones": [_phone(organisation)] if organisation.phone else [],
            "locations": [
                location_to_hsds(location, language) for location in organisation.locations.all() if location.is_active
            ],
            "services": [service_to_hsds(service, language) for service in organisation.services.all()],
        }
    )


def _phone(organisation: Organisation) -> dict:
    return {"id": hsds_id("phone", organisation.pk), "number": organisation.phone}


def _languages(codes, *, kind: str, pk: int) -> list[dict]:
    """HSDS ``language`` objects for ``codes``, linked to one service or location (``kind``)."""
    return [
        {
            "id": hsds_id(f"{kind}-language-{code}", pk),
            f"{kind}_id": hsds_id(kind, pk),
            "name": str(SPOKEN_LANGUAGES.get(code, code)),
            "code": code,
        }
        for code in sorted(codes)
    ]


def location_to_hsds(location: Location, language: str) -> dict:
    location_id = hsds_id("location", location.pk)
    return without_empty(
        {
            "id": location_id,
            "location_type": "physical",
            "organization_id": hsds_id("organization", location.organisation_id),
            "name": translated(location, "name", language).text,
            "description": translated(location, "description", language).text or None,
            "languages": _languages(
                {code for service in location.services.all() for code in service.languages},
                kind="location",
                pk=location.pk,
            ),
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


def service_to_hsds(service: Service, language: str) -> dict:
    service_id = hsds_id("service", service.pk)
    return without_empty(
        {
            "id": service_id,
            "organization_id": hsds_id("organization", service.organisation_id),
            "name": translated(service, "name", language).text,
            "description": translated(service, "description", language).text or None,
            "url": service.url or None,
            "email": service.email or None,
            "status": "active" if service.is_active else "inactive",
            "eligibility_description": translated(service, "eligibility", language).text or None,
            "application_process": translated(service, "how_to_refer", language).text or None,
            "languages": _languages(service.languages, kind="service", pk=service.pk),
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
