"""The demo network: a realistic Québec City network of organisations, their services and one
login per role. Names of private employers and community groups are fictional."""

from collections.abc import Callable

from organisations.choices import NeedCategory as N
from organisations.choices import OrganisationKind as K
from organisations.choices import PartnershipScope, Role

DEMO_PASSWORD = "passerelle-demo"  # noqa: S105 - printed on purpose: demo logins only

HUB = "accueil-quebec"

ORGANISATIONS = [
    {
        "slug": HUB,
        "name": "Centre multiethnique d'accueil de Québec",
        "kind": K.HUB,
        "description": "Accueil, évaluation des besoins et accompagnement des personnes demandeuses d'asile.",
        "languages_served": ["es", "fr", "en", "ar", "fa"],
        "email": "accueil@accueil-quebec.example",
        "phone": "418 555-0100",
        "locations": [("Bureau d'accueil", "200, rue Saint-Joseph Est", "G1K 3A9", "46.8139", "-71.2238")],
        "services": [
            (
                "Accueil et évaluation des besoins",
                [N.INTERPRETATION, N.DOCUMENTS_ADMIN, N.SOCIAL_INTEGRATION],
                ["es", "fr", "en", "ar"],
                "Personnes demandeuses d'asile et nouvelles personnes arrivantes.",
                "Se présenter sans rendez-vous, du lundi au vendredi, de 8 h 30 à 16 h 30.",
            ),
        ],
    },
    {
        "slug": "hebergement-accueil",
        "name": "Hébergement Accueil Québec",
        "kind": K.HOUSING_PROVIDER,
        "description": "Hébergement temporaire pour familles et personnes seules en attente d'un logement.",
        "languages_served": ["es", "fr", "en"],
        "email": "hebergement@accueil-quebec.example",
        "phone": "418 555-0110",
        "locations": [("Maison Saint-Roch", "45, rue du Pont", "G1K 6M4", "46.8156", "-71.2262")],
        "services": [
            (
                "Hébergement temporaire pour familles",
                [N.HOUSING_SHORT_TERM, N.HOUSING_EMERGENCY],
                ["es", "fr", "en"],
                "Familles et personnes seules référées par le centre d'accueil.",
                "Référence par le centre d'accueil.",
            ),
        ],
    },
    {
        "slug": "office-habitation",
        "name": "Office municipal d'habitation de Québec",
        "kind": K.HOUSING_PROVIDER,
        "description": "Logement social et aide à la recherche de logement.",
        "languages_served": ["fr", "en"],
        "email": "info@office-habitation.example",
        "phone": "418 555-0120",
        "locations": [("Siège social", "110, rue de Courcelette", "G1N 4T4", "46.8052", "-71.2510")],
        "services": [
            (
                "Aide à la recherche de logement",
                [N.HOUSING_LONG_TERM],
                ["fr", "en"],
                "Ménages à faible revenu résidant à Québec.",
                "Formulaire de demande avec le dossier de la personne.",
            ),
        ],
    },
    {
        "slug": "ville-quebec",
        "name": "Ville de Québec — Développement social",
        "kind": K.CITY,
        "description": "Suivi de la demande et des capacités d'accueil sur le territoire.",
        "languages_served": ["fr"],
        "email": "developpement.social@ville-quebec.example",
        "phone": "418 555-0130",
        "locations": [],
        "services": [],
    },
    {
        "slug": "sante-capitale",
        "name": "Santé Capitale-Nationale (CIUSSS)",
        "kind": K.HEALTH,
        "description": "Clinique santé des personnes réfugiées et demandeuses d'asile.",
        "languages_served": ["fr", "en", "es"],
        "email": "clinique.refugies@sante-capitale.example",
        "phone": "418 555-0140",
        "locations": [("Clinique santé des réfugiés", "1000, chemin Sainte-Foy", "G1S 2L6", "46.7956", "-71.2447")],
        "services": [
            (
                "Évaluation de santé à l'arrivée",
                [N.HEALTH_PHYSICAL],
                ["fr", "en", "es"],
                "Personnes demandeuses d'asile couvertes par le PFSI.",
                "Référence avec consentement santé exprès.",
            ),
            (
                "Soutien psychosocial",
                [N.HEALTH_MENTAL],
                ["fr", "es"],
                "Personnes vivant un stress post-migratoire.",
                "Référence par une intervenante.",
            ),
        ],
    },
    {
        "slug": "emploi-nouveaux-arrivants",
        "name": "Emploi Nouveaux Arrivants Québec",
        "kind": K.EMPLOYMENT,
        "description": "Accompagnement vers l'emploi des personnes immigrantes (organisme fictif).",
        "languages_served": ["fr", "es", "en"],
        "email": "emploi@ena-quebec.example",
        "phone": "418 555-0150",
        "locations": [("Bureau Limoilou", "780, 3e Avenue", "G1L 2W5", "46.8267", "-71.2250")],
        "services": [
            (
                "Recherche d'emploi et permis de travail",
                [N.EMPLOYMENT, N.DOCUMENTS_ADMIN],
                ["fr", "es", "en"],
                "Personnes titulaires d'un permis de travail ouvert ou en attente.",
                "Référence en ligne.",
            ),
        ],
    },
    {
        "slug": "maison-le-phare",
        "name": "Maison Le Phare",
        "kind": K.HOUSING_PROVIDER,
        "description": "Refuge d'urgence pour femmes et enfants (organisme fictif).",
        "languages_served": ["fr", "es"],
        "email": "accueil@maisonlephare.example",
        "phone": "418 555-0160",
        "locations": [("Refuge", "Adresse confidentielle", "", None, None)],
        "services": [
            (
                "Hébergement d'urgence pour femmes et enfants",
                [N.HOUSING_EMERGENCY, N.SAFETY_VIOLENCE],
                ["fr", "es"],
                "Femmes seules ou avec enfants.",
                "Appeler la ligne 24 h avant toute référence.",
            ),
        ],
    },
    {
        "slug": "banque-alimentaire-limoilou",
        "name": "Banque alimentaire Limoilou",
        "kind": K.FOOD_AID,
        "description": "Dépannage alimentaire hebdomadaire (organisme fictif).",
        "languages_served": ["fr", "es"],
        "email": "depannage@ba-limoilou.example",
        "phone": "418 555-0170",
        "locations": [("Comptoir", "1250, 8e Avenue", "G1J 3N1", "46.8301", "-71.2189")],
        "services": [
            (
                "Dépannage alimentaire",
                [N.FOOD, N.MATERIAL_AID],
                ["fr", "es"],
                "Ménages du quartier Limoilou et personnes référées.",
                "Référence avec l'adresse et la taille du ménage.",
            ),
        ],
    },
    {
        "slug": "francisation-saint-roch",
        "name": "Centre de francisation Saint-Roch",
        "kind": K.FRANCISATION,
        "description": "Cours de français à temps plein et à temps partiel.",
        "languages_served": ["fr", "en", "es"],
        "email": "inscriptions@francisation-stroch.example",
        "phone": "418 555-0180",
        "locations": [("Centre Saint-Roch", "330, rue de la Couronne", "G1K 6E6", "46.8118", "-71.2265")],
        "services": [
            (
                "Cours de français pour adultes",
                [N.FRANCISATION],
                ["fr", "en", "es"],
                "Adultes de 16 ans et plus.",
                "Inscription après évaluation du niveau de français.",
            ),
        ],
    },
    {
        "slug": "aide-juridique",
        "name": "Aide juridique Capitale-Nationale",
        "kind": K.LEGAL_AID,
        "description": "Représentation devant la Commission de l'immigration et du statut de réfugié.",
        "languages_served": ["fr", "en"],
        "email": "immigration@aide-juridique.example",
        "phone": "418 555-0190",
        "locations": [("Bureau immigration", "500, boulevard René-Lévesque Est", "G1R 2B5", "46.8096", "-71.2170")],
        "services": [
            (
                "Formulaire Fondement de la demande d'asile",
                [N.LEGAL_IMMIGRATION],
                ["fr", "en"],
                "Personnes demandeuses d'asile admissibles à l'aide juridique.",
                "Référence au plus tard 5 jours après la demande d'asile.",
            ),
        ],
    },
]

# (email, full name, preferred language, organisation slug, role, what the login is for)
USERS = [
    ("admin@accueil-quebec.example", "Geneviève Tremblay", "fr-ca", HUB, Role.ADMIN, "hub organisation admin"),
    ("coordination@accueil-quebec.example", "María José Rodríguez", "es-419", HUB, Role.COORDINATOR, "hub coordinator"),
    ("intervenant@accueil-quebec.example", "Samuel Bouchard", "fr-ca", HUB, Role.WORKER, "hub worker"),
    ("vie-privee@accueil-quebec.example", "Nadia Haddad", "fr-ca", HUB, Role.PRIVACY_OFFICER, "privacy officer"),
    (
        "agent@ena-quebec.example",
        "Carlos Méndez",
        "es-419",
        "emploi-nouveaux-arrivants",
        Role.WORKER,
        "partner agent (employment)",
    ),
    (
        "hebergement@maisonlephare.example",
        "Julie Gagnon",
        "fr-ca",
        "maison-le-phare",
        Role.WORKER,
        "housing provider staff",
    ),
    ("liaison@ville-quebec.example", "Patrick O'Neil", "en-ca", "ville-quebec", Role.LIAISON, "city liaison"),
]

PARTNERSHIPS = [
    (HUB, slug, PartnershipScope.REFERRALS)
    for slug in (
        "hebergement-accueil",
        "office-habitation",
        "sante-capitale",
        "emploi-nouveaux-arrivants",
        "maison-le-phare",
        "banque-alimentaire-limoilou",
        "francisation-saint-roch",
        "aide-juridique",
    )
] + [(HUB, slug, PartnershipScope.HOUSING) for slug in ("hebergement-accueil", "maison-le-phare")]


# Later apps add their demo data (people, referrals, housing) by registering a loader from their
# AppConfig.ready: a function that runs after the network exists and returns how many records it
# created (0 when they were already there).
DEMO_LOADERS: list[tuple[str, Callable[[], int]]] = []


def register_demo_loader(name: str, loader: Callable[[], int]) -> None:
    DEMO_LOADERS.append((name, loader))
