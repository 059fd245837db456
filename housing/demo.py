"""Demo housing sites for the demo network's housing providers (fictional buildings)."""

from datetime import time

from housing import services
from housing.choices import RoomKind, SiteKind
from housing.models import Site
from organisations.models import Organisation

SITES = [
    (
        "hebergement-accueil",
        "Maison Saint-Roch",
        "45, rue du Pont, Québec",
        SiteKind.SHORT_TERM,
        {
            "families": True,
            "minors_accompanied": True,
            "wheelchair_access": True,
            "max_stay_days": 60,
            "staff_languages": ["fr", "es", "en"],
            "meals_fr": "Déjeuner et souper",
            "meals_es": "Desayuno y cena",
            "meals_en": "Breakfast and supper",
            "check_in_hours_fr": "8 h – 21 h",
            "check_in_hours_es": "De 8:00 a 21:00",
            "check_in_from": time(8),
            "check_in_until": time(21),
        },
        [
            ("Unité familiale 1", RoomKind.FAMILY_UNIT, 4),
            ("Unité familiale 2", RoomKind.FAMILY_UNIT, 4),
            ("Unité familiale 3", RoomKind.FAMILY_UNIT, 3),
            ("Dortoir", RoomKind.SHARED_ROOM, 6),
        ],
    ),
    (
        "maison-le-phare",
        "Maison Le Phare",
        "Adresse confidentielle",
        SiteKind.EMERGENCY,
        {
            "women_only": True,
            "families": True,
            "minors_accompanied": True,
            "max_stay_days": 30,
            "staff_languages": ["fr", "es"],
            "meals_fr": "Trois repas",
            "meals_es": "Tres comidas",
            "check_in_hours_fr": "24 h sur 24",
            "check_in_hours_es": "Las 24 horas",
            "check_in_hours_en": "Around the clock",
        },
        [
            ("Chambre famille A", RoomKind.FAMILY_UNIT, 3),
            ("Chambre famille B", RoomKind.FAMILY_UNIT, 3),
            ("Chambre partagée", RoomKind.SHARED_ROOM, 4),
        ],
    ),
]


def load_demo_sites() -> int:
    created = 0
    for provider_slug, name, address, kind, fields, rooms in SITES:
        provider = Organisation.objects.get(slug=provider_slug)
        if Site.objects.filter(provider=provider, name=name).exists():
            continue
        site = services.site_create(actor=None, provider=provider, name=name, address=address, kind=kind, **fields)
        for room_name, room_kind, beds in rooms:
            services.room_create(actor=None, site=site, name=room_name, kind=room_kind, beds=beds)
        created += 1
    return created
