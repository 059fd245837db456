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

# Each demo partnership rests on a data-sharing agreement covering every need and every group of
# information, signed a year ago for two years; the French-course centre's lapses in 20 days, so
# the partnerships page and the lapse notice have something to show.
AGREEMENT_SIGNED_DAYS_AGO = 365
AGREEMENT_DAYS_LEFT = {"francisation-saint-roch": 20}
AGREEMENT_DEFAULT_DAYS_LEFT = 365


def agreement_pdf(*, reference: str, organisation: str, partner: str, scope_label: str) -> bytes:
    """A one-page signed agreement for the demo, as the PDF a coordinator would upload."""
    from organisations.pdf import FAMILY, a4_document

    document = a4_document(title=reference, language="fr")
    document.set_font(FAMILY, "B", 14)
    document.multi_cell(0, 8, f"Entente de partage de renseignements {reference}", new_x="LMARGIN", new_y="NEXT")
    document.set_font(FAMILY, "", 11)
    document.multi_cell(
        0,
        6,
        f"Entre {organisation} et {partner} ({scope_label}).\nDocument de démonstration : aucune valeur juridique.",
    )
    return bytes(document.output())


# Later apps add their demo data (people, referrals, housing) by registering a loader from their
# AppConfig.ready: a function that runs after the network exists and returns how many records it
# created (0 when they were already there).
DEMO_LOADERS: list[tuple[str, Callable[[], int]]] = []


def register_demo_loader(name: str, loader: Callable[[], int]) -> None:
    DEMO_LOADERS.append((name, loader))


# The demo directory's texts in Spanish and English, by their French text. Spanish is written for
# every text (nine in ten people the hub serves read it); English is left out of a few, so that
# the "not yet translated" marks and the authors' "missing" lists have something to show.
TRANSLATIONS: dict[str, dict[str, str]] = {
    # The organisations' descriptions.
    "Accueil, évaluation des besoins et accompagnement des personnes demandeuses d'asile.": {
        "es": "Acogida, evaluación de necesidades y acompañamiento de las personas solicitantes de asilo.",
        "en": "Welcome, needs assessment and support for people claiming asylum.",
    },
    "Hébergement temporaire pour familles et personnes seules en attente d'un logement.": {
        "es": "Alojamiento temporal para familias y personas solas mientras esperan una vivienda.",
        "en": "Temporary housing for families and single people waiting for a home.",
    },
    "Logement social et aide à la recherche de logement.": {
        "es": "Vivienda social y ayuda para buscar vivienda.",
        "en": "Social housing and help finding a home.",
    },
    "Suivi de la demande et des capacités d'accueil sur le territoire.": {
        "es": "Seguimiento de la demanda y de la capacidad de acogida en el territorio.",
        "en": "Monitoring of demand and reception capacity in the city.",
    },
    "Clinique santé des personnes réfugiées et demandeuses d'asile.": {
        "es": "Clínica de salud para personas refugiadas y solicitantes de asilo.",
        "en": "Health clinic for refugees and asylum claimants.",
    },
    "Accompagnement vers l'emploi des personnes immigrantes (organisme fictif).": {
        "es": "Acompañamiento hacia el empleo de las personas inmigrantes (organización ficticia).",
        "en": "Employment support for immigrants (fictional organisation).",
    },
    "Refuge d'urgence pour femmes et enfants (organisme fictif).": {
        "es": "Refugio de emergencia para mujeres y niños (organización ficticia).",
        "en": "Emergency shelter for women and children (fictional organisation).",
    },
    "Dépannage alimentaire hebdomadaire (organisme fictif).": {
        "es": "Ayuda alimentaria semanal (organización ficticia).",
    },
    "Cours de français à temps plein et à temps partiel.": {
        "es": "Cursos de francés a tiempo completo y a tiempo parcial.",
        "en": "Full-time and part-time French courses.",
    },
    "Représentation devant la Commission de l'immigration et du statut de réfugié.": {
        "es": "Representación ante la Comisión de Inmigración y Refugio.",
        "en": "Representation before the Immigration and Refugee Board.",
    },
    # The services' names.
    "Accueil et évaluation des besoins": {
        "es": "Acogida y evaluación de necesidades",
        "en": "Welcome and needs assessment",
    },
    "Hébergement temporaire pour familles": {
        "es": "Alojamiento temporal para familias",
        "en": "Temporary housing for families",
    },
    "Aide à la recherche de logement": {"es": "Ayuda para buscar vivienda", "en": "Help finding a home"},
    "Évaluation de santé à l'arrivée": {"es": "Evaluación de salud a la llegada", "en": "Health assessment on arrival"},
    "Soutien psychosocial": {"es": "Apoyo psicosocial", "en": "Psychosocial support"},
    "Recherche d'emploi et permis de travail": {
        "es": "Búsqueda de empleo y permiso de trabajo",
        "en": "Job search and work permits",
    },
    "Hébergement d'urgence pour femmes et enfants": {
        "es": "Alojamiento de emergencia para mujeres y niños",
        "en": "Emergency housing for women and children",
    },
    "Dépannage alimentaire": {"es": "Ayuda alimentaria"},
    "Cours de français pour adultes": {"es": "Cursos de francés para adultos", "en": "French courses for adults"},
    "Formulaire Fondement de la demande d'asile": {
        "es": "Formulario Fundamento de la solicitud de asilo",
        "en": "Basis of Claim form",
    },
    # Who is eligible.
    "Personnes demandeuses d'asile et nouvelles personnes arrivantes.": {
        "es": "Personas solicitantes de asilo y personas recién llegadas.",
        "en": "Asylum claimants and newcomers.",
    },
    "Familles et personnes seules référées par le centre d'accueil.": {
        "es": "Familias y personas solas referidas por el centro de acogida.",
        "en": "Families and single people referred by the welcome centre.",
    },
    "Ménages à faible revenu résidant à Québec.": {
        "es": "Grupos familiares de bajos ingresos que viven en Quebec.",
        "en": "Low-income households living in Québec City.",
    },
    "Personnes demandeuses d'asile couvertes par le PFSI.": {
        "es": "Personas solicitantes de asilo cubiertas por el PFSI.",
        "en": "Asylum claimants covered by the IFHP.",
    },
    "Personnes vivant un stress post-migratoire.": {"es": "Personas que viven un estrés posmigratorio."},
    "Personnes titulaires d'un permis de travail ouvert ou en attente.": {
        "es": "Personas con un permiso de trabajo abierto o en trámite.",
        "en": "People holding or waiting for an open work permit.",
    },
    "Femmes seules ou avec enfants.": {"es": "Mujeres solas o con hijos.", "en": "Women alone or with children."},
    "Ménages du quartier Limoilou et personnes référées.": {
        "es": "Grupos familiares del barrio Limoilou y personas referidas.",
    },
    "Adultes de 16 ans et plus.": {"es": "Personas adultas de 16 años o más.", "en": "Adults aged 16 and over."},
    "Personnes demandeuses d'asile admissibles à l'aide juridique.": {
        "es": "Personas solicitantes de asilo que pueden recibir asistencia jurídica.",
        "en": "Asylum claimants eligible for legal aid.",
    },
    # How to refer.
    "Se présenter sans rendez-vous, du lundi au vendredi, de 8 h 30 à 16 h 30.": {
        "es": "Presentarse sin cita, de lunes a viernes, de 8:30 a 16:30.",
        "en": "Walk in, Monday to Friday, 8:30 a.m. to 4:30 p.m.",
    },
    "Référence par le centre d'accueil.": {
        "es": "Referencia por el centro de acogida.",
        "en": "Referral by the welcome centre.",
    },
    "Formulaire de demande avec le dossier de la personne.": {
        "es": "Formulario de solicitud con el expediente de la persona.",
        "en": "Application form with the person's file.",
    },
    "Référence avec consentement santé exprès.": {
        "es": "Referencia con consentimiento expreso de salud.",
        "en": "Referral with express health consent.",
    },
    "Référence par une intervenante.": {"es": "Referencia por una interventora.", "en": "Referral by a worker."},
    "Référence en ligne.": {"es": "Referencia en línea.", "en": "Online referral."},
    "Appeler la ligne 24 h avant toute référence.": {
        "es": "Llamar a la línea 24 h antes de cualquier referencia.",
        "en": "Call the 24-hour line before any referral.",
    },
    "Référence avec l'adresse et la taille du ménage.": {
        "es": "Referencia con la dirección y el tamaño del grupo familiar.",
    },
    "Inscription après évaluation du niveau de français.": {
        "es": "Inscripción después de evaluar el nivel de francés.",
        "en": "Enrolment after a French level assessment.",
    },
    "Référence au plus tard 5 jours après la demande d'asile.": {
        "es": "Referencia a más tardar 5 días después de la solicitud de asilo.",
        "en": "Referral no later than 5 days after the asylum claim.",
    },
}


def in_three_languages(field: str, french: str) -> dict[str, str]:
    """``{field}_fr`` and, where the demo has them, ``{field}_es`` and ``{field}_en``."""
    return {f"{field}_fr": french, **{f"{field}_{code}": text for code, text in TRANSLATIONS.get(french, {}).items()}}
