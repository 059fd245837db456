"""The trajectory, entitlements and guides Passerelle proposes to a hub that has none yet (and
that the demo hub starts with). Facts about the claim process come from public federal and
Québec sources (DOMAIN.md); the words are this project's own. Coordinators change all of it in
their pages.

Each text is ``(French, English, Spanish)``."""

from organisations.choices import NeedCategory, OrganisationKind
from people.choices import PORT_OF_ENTRY_PATHWAYS, ClaimStage, DataGroup, FrenchLevel, InterventionType, MilestoneKind
from trajectory.choices import ChildrenCondition, StepKind, UsualFrom

# (name, explanation for the person), each in three languages, and the step's fields.
PROPOSED_TRAJECTORY = [
    (
        ("Accueil et besoins urgents", "Welcome and urgent needs", "Bienvenida y necesidades urgentes"),
        [
            {
                "name": ("Accueil à la Passerelle", "Welcome at the centre", "Bienvenida al centro"),
                "explanation": (
                    "Une personne de l'équipe vous reçoit, écoute votre situation et vous explique nos services.",
                    "Someone from the team meets you, listens to your situation and explains our services.",
                    "Una persona del equipo le recibe, escucha su situación y le explica nuestros servicios.",
                ),
                "kind": StepKind.HUB,
                "intervention_type": InterventionType.INTAKE_WELCOME,
                "usual_days": 0,
            },
            {
                "name": ("Évaluation de vos besoins", "Assessment of your needs", "Evaluación de sus necesidades"),
                "explanation": (
                    "Nous faisons le point avec vous : logement, nourriture, santé, argent, démarches.",
                    "We go over your needs with you: housing, food, health, money, paperwork.",
                    "Revisamos con usted sus necesidades: vivienda, comida, salud, dinero, trámites.",
                ),
                "kind": StepKind.HUB,
                "intervention_type": InterventionType.NEEDS_ASSESSMENT,
                "usual_days": 7,
            },
            {
                "name": ("Hébergement d'urgence", "Emergency housing", "Alojamiento de emergencia"),
                "explanation": (
                    "Si vous n'avez pas où dormir, nous vous orientons vers un lieu d'hébergement.",
                    "If you have nowhere to sleep, we refer you to a place to stay.",
                    "Si no tiene dónde dormir, le orientamos hacia un lugar de alojamiento.",
                ),
                "kind": StepKind.PARTNER,
                "need_category": NeedCategory.HOUSING_EMERGENCY,
                "only_if_needed": True,
                "usual_days": 1,
            },
            {
                "name": ("Aide alimentaire", "Food aid", "Ayuda alimentaria"),
                "explanation": (
                    "Un organisme partenaire vous aide à vous nourrir en attendant vos premiers revenus.",
                    "A partner organisation helps you with food until you have an income.",
                    "Una organización asociada le ayuda con la comida mientras no tenga ingresos.",
                ),
                "kind": StepKind.PARTNER,
                "need_category": NeedCategory.FOOD,
                "only_if_needed": True,
                "usual_days": 3,
            },
        ],
    ),
    (
        ("La demande d'asile", "The asylum claim", "La solicitud de asilo"),
        [
            {
                "name": ("Demande d'asile faite", "Asylum claim made", "Solicitud de asilo presentada"),
                "explanation": (
                    "Votre demande d'asile est faite : à la frontière, en ligne ou en personne dans un bureau.",
                    "Your asylum claim is made: at the border, online or in person at an office.",
                    "Su solicitud de asilo está presentada: en la frontera, en línea o en persona en una oficina.",
                ),
                "kind": StepKind.MILESTONE,
                "milestone_kind": MilestoneKind.CLAIM_MADE,
                "sensitive_group": DataGroup.IMMIGRATION,
                "usual_days": 15,
                "usual_from": UsualFrom.ARRIVAL,
            },
            {
                "name": ("Entrevue de recevabilité", "Eligibility interview", "Entrevista de elegibilidad"),
                "explanation": (
                    "Un agent décide si votre demande peut être envoyée à la Commission de l'immigration.",
                    "An officer decides whether your claim can go to the Immigration and Refugee Board.",
                    "Un agente decide si su solicitud puede enviarse a la Comisión de Inmigración.",
                ),
                "kind": StepKind.MILESTONE,
                "milestone_kind": MilestoneKind.ELIGIBILITY_INTERVIEW,
                "sensitive_group": DataGroup.IMMIGRATION,
            },
            {
                "name": ("Aide juridique", "Legal aid", "Asistencia jurídica"),
                "explanation": (
                    "Un avocat vous aide à préparer votre demande. Il faut le voir avant la date du formulaire.",
                    "A lawyer helps you prepare your claim. See them before the form is due.",
                    "Un abogado le ayuda a preparar su solicitud. Debe verlo antes de la fecha del formulario.",
                ),
                "kind": StepKind.PARTNER,
                "need_category": NeedCategory.LEGAL_IMMIGRATION,
                "sensitive_group": DataGroup.IMMIGRATION,
                "usual_days": 7,
                "usual_from": UsualFrom.CLAIM_MADE,
            },
            {
                "name": (
                    "Formulaire Fondement de la demande d'asile envoyé",
                    "Basis of Claim form sent",
                    "Formulario Fundamento de la Solicitud de Asilo (FDA) enviado",
                ),
                "explanation": (
                    "Ce formulaire raconte votre histoire. Il doit arriver à la Commission avant la date indiquée.",
                    "This form tells your story. It must reach the Board by the date given.",
                    "Este formulario cuenta su historia. Debe llegar a la Comisión antes de la fecha indicada.",
                ),
                "kind": StepKind.MILESTONE,
                "milestone_kind": MilestoneKind.BOC_SENT,
                "sensitive_group": DataGroup.IMMIGRATION,
                "pathways": sorted(PORT_OF_ENTRY_PATHWAYS),
                "usual_days": 15,
                "usual_from": UsualFrom.CLAIM_MADE,
            },
            {
                "name": ("Examen médical", "Medical exam", "Examen médico"),
                "explanation": (
                    "L'examen médical de l'immigration se fait dans les 30 jours; il est payé pour vous.",
                    "The immigration medical exam is done within 30 days; it is paid for you.",
                    "El examen médico de inmigración se hace en un plazo de 30 días; se paga por usted.",
                ),
                "kind": StepKind.MILESTONE,
                "milestone_kind": MilestoneKind.MEDICAL_EXAM,
                "sensitive_group": DataGroup.HEALTH,
                "usual_days": 30,
                "usual_from": UsualFrom.CLAIM_MADE,
            },
        ],
    ),
    (
        ("Stabilisation", "Getting settled", "Estabilización"),
        [
            {
                "name": ("Aide financière de dernier recours", "Last-resort financial assistance", "Ayuda social"),
                "explanation": (
                    "Nous vous aidons à demander l'aide financière du Québec.",
                    "We help you apply for Québec's financial assistance.",
                    "Le ayudamos a pedir la ayuda financiera de Quebec.",
                ),
                "kind": StepKind.PARTNER,
                "need_category": NeedCategory.INCOME_SUPPORT,
                "only_if_needed": True,
                "usual_days": 30,
            },
            {
                "name": ("Permis de travail reçu", "Work permit received", "Permiso de trabajo recibido"),
                "explanation": (
                    "Le permis de travail ouvert arrive après l'examen médical; l'attente peut durer des mois.",
                    "The open work permit comes after the medical exam; the wait can take months.",
                    "El permiso de trabajo abierto llega después del examen médico; la espera puede durar meses.",
                ),
                "kind": StepKind.MILESTONE,
                "milestone_kind": MilestoneKind.WORK_PERMIT_ISSUED,
                "sensitive_group": DataGroup.IMMIGRATION,
            },
            {
                "name": ("Numéro d'assurance sociale", "Social insurance number", "Número de seguro social"),
                "explanation": (
                    "Avec votre permis de travail, vous demandez votre numéro d'assurance sociale.",
                    "With your work permit, you apply for your social insurance number.",
                    "Con su permiso de trabajo, usted pide su número de seguro social.",
                ),
                "kind": StepKind.MILESTONE,
                "milestone_kind": MilestoneKind.SIN_OBTAINED,
            },
            {
                "name": ("École des enfants", "School for the children", "Escuela de los niños"),
                "explanation": (
                    "Au Québec, tous les enfants peuvent aller à l'école publique gratuitement.",
                    "In Québec, every child may attend public school for free.",
                    "En Quebec, todos los niños pueden ir gratis a la escuela pública.",
                ),
                "kind": StepKind.PARTNER,
                "need_category": NeedCategory.EDUCATION_CHILDREN,
                "children": ChildrenCondition.WITH,
                "usual_days": 30,
            },
            {
                "name": ("Cours de français", "French courses", "Cursos de francés"),
                "explanation": (
                    "Les cours de français sont ouverts aux demandeurs d'asile.",
                    "French courses are open to asylum claimants.",
                    "Los cursos de francés están abiertos a los solicitantes de asilo.",
                ),
                "kind": StepKind.PARTNER,
                "need_category": NeedCategory.FRANCISATION,
                "french_levels": [FrenchLevel.NONE, FrenchLevel.BEGINNER, FrenchLevel.INTERMEDIATE],
                "usual_days": 60,
            },
        ],
    ),
    (
        ("Intégration", "Building a life here", "Integración"),
        [
            {
                "name": ("Accompagnement vers l'emploi", "Help finding work", "Acompañamiento hacia el empleo"),
                "explanation": (
                    "Un organisme d'emploi vous aide à préparer votre CV et à trouver un travail.",
                    "An employment agency helps you with your résumé and finding a job.",
                    "Una agencia de empleo le ayuda con su currículum y a encontrar trabajo.",
                ),
                "kind": StepKind.PARTNER,
                "need_category": NeedCategory.EMPLOYMENT,
                "usual_days": 90,
            },
            {
                "name": ("Premier emploi", "First job", "Primer empleo"),
                "explanation": (
                    "Votre premier emploi au Canada.",
                    "Your first job in Canada.",
                    "Su primer empleo en Canadá.",
                ),
                "kind": StepKind.MILESTONE,
                "milestone_kind": MilestoneKind.EMPLOYMENT_STARTED,
            },
        ],
    ),
]

_CLAIMANT_STAGES = [
    ClaimStage.AWAITING_ELIGIBILITY,
    ClaimStage.REFERRED_PENDING_DECISION,
    ClaimStage.REFUSED_WITH_RECOURSE,
    ClaimStage.REFUSED_PRESENCE_PERMITTED,
]

# (name, plain words), the stages it is open at, the milestone it waits for, the kind of
# organisation that delivers it (its first service is proposed as where to go); those that say
# the person claimed asylum are in the claim's group (left out of the document unless ticked).
PROPOSED_ENTITLEMENTS = [
    {
        "name": (
            "Programme fédéral de santé intérimaire",
            "Interim Federal Health Program",
            "Programa Federal de Salud Interino",
        ),
        "description": (
            "Soins de santé de base, médicaments et examens, dès que la demande est jugée recevable.",
            "Basic health care, medicines and tests, from the moment the claim is found eligible.",
            "Atención médica básica, medicamentos y exámenes, desde que la solicitud es declarada elegible.",
        ),
        "stages": [stage for stage in _CLAIMANT_STAGES if stage != ClaimStage.AWAITING_ELIGIBILITY],
        "kind": OrganisationKind.HEALTH,
        "sensitive_group": DataGroup.IMMIGRATION,
    },
    {
        "name": ("Permis de travail ouvert", "Open work permit", "Permiso de trabajo abierto"),
        "description": (
            "Gratuit, une fois la demande envoyée à la Commission et l'examen médical passé.",
            "Free, once the claim is referred to the Board and the medical exam is done.",
            "Gratuito, una vez enviada la solicitud a la Comisión y hecho el examen médico.",
        ),
        "stages": [ClaimStage.REFERRED_PENDING_DECISION],
        "requires_milestone": MilestoneKind.MEDICAL_EXAM,
        "kind": OrganisationKind.EMPLOYMENT,
        "sensitive_group": DataGroup.IMMIGRATION,
    },
    {
        "name": ("Aide financière de dernier recours", "Last-resort financial assistance", "Ayuda social de Quebec"),
        "description": (
            "Une aide du Québec pour les demandeurs d'asile, et pour les personnes refusées qui peuvent rester.",
            "Québec's assistance for asylum claimants, and for refused people still allowed to stay.",
            "Una ayuda de Quebec para solicitantes de asilo y para personas rechazadas que pueden quedarse.",
        ),
        "stages": [*_CLAIMANT_STAGES, ClaimStage.PROTECTED_PERSON],
        "kind": OrganisationKind.COMMUNITY,
        "sensitive_group": DataGroup.IMMIGRATION,
    },
    {
        "name": ("Cours de français", "French courses", "Cursos de francés"),
        "description": (
            "Des cours gratuits, à temps plein ou à temps partiel.",
            "Free courses, full-time or part-time.",
            "Cursos gratuitos, a tiempo completo o parcial.",
        ),
        "stages": [*_CLAIMANT_STAGES, ClaimStage.PROTECTED_PERSON],
        "kind": OrganisationKind.FRANCISATION,
    },
    {
        "name": ("Aide juridique", "Legal aid", "Asistencia jurídica"),
        "description": (
            "Un avocat payé par l'aide juridique, selon vos revenus, pour votre demande d'asile.",
            "A lawyer paid by legal aid, depending on your income, for your asylum claim.",
            "Un abogado pagado por la asistencia jurídica, según sus ingresos, para su solicitud de asilo.",
        ),
        "stages": [ClaimStage.PRE_CLAIM, *_CLAIMANT_STAGES],
        "kind": OrganisationKind.LEGAL_AID,
        "sensitive_group": DataGroup.IMMIGRATION,
    },
    {
        "name": ("École pour les enfants", "School for children", "Escuela para los niños"),
        "description": (
            "Tout enfant qui vit au Québec peut aller à l'école publique gratuitement, quel que soit son statut.",
            "Every child living in Québec may attend public school for free, whatever their status.",
            "Todo niño que vive en Quebec puede ir gratis a la escuela pública, sea cual sea su estatus.",
        ),
        "stages": [],
        "kind": OrganisationKind.EDUCATION,
    },
]

PROPOSED_GUIDES = [
    {
        "slug": "three-ways-to-claim",
        "stages": [ClaimStage.PRE_CLAIM, ClaimStage.UNKNOWN],
        "sensitive_group": DataGroup.IMMIGRATION,
        "title": (
            "Trois façons de demander l'asile au Canada",
            "Three ways to make an asylum claim in Canada",
            "Tres maneras de pedir asilo en Canadá",
        ),
        "body": (
            "Vous pouvez demander l'asile de trois façons. Dans tous les cas, gardez une copie de chaque "
            "document reçu.\n\n"
            "- À un point d'entrée : à l'aéroport, à un poste frontalier terrestre ou à un port, vous le "
            "dites à l'agent des services frontaliers en arrivant.\n"
            "- Au Canada, en ligne : sur le portail fédéral de protection des réfugiés. Vous remplissez "
            "les formulaires, puis on vous donne un rendez-vous.\n"
            "- Au Canada, en personne : dans un bureau des services frontaliers, tant qu'aucune mesure de "
            "renvoi n'a été prise contre vous.\n\n"
            "Après votre demande, un agent décide si elle peut être envoyée à la Commission de "
            "l'immigration et du statut de réfugié. Nous pouvons vous accompagner à chaque étape.",
            "You can claim asylum in three ways. In every case, keep a copy of each document you "
            "receive.\n\n"
            "- At a port of entry: at the airport, at a land border crossing or at a seaport, you tell "
            "the border services officer when you arrive.\n"
            "- Inside Canada, online: on the federal refugee protection portal. You fill in the forms, "
            "then you are given an appointment.\n"
            "- Inside Canada, in person: at a border services office, as long as no removal order has "
            "been made against you.\n\n"
            "After your claim, an officer decides whether it can go to the Immigration and Refugee "
            "Board. We can go with you through each step.",
            "Puede pedir asilo de tres maneras. En todos los casos, guarde una copia de cada documento "
            "que reciba.\n\n"
            "- En un punto de entrada: en el aeropuerto, en un paso fronterizo terrestre o en un puerto, "
            "se lo dice al agente de servicios fronterizos al llegar.\n"
            "- Dentro de Canadá, en línea: en el portal federal de protección de refugiados. Llena los "
            "formularios y luego le dan una cita.\n"
            "- Dentro de Canadá, en persona: en una oficina de servicios fronterizos, siempre que no se "
            "haya dictado una orden de expulsión contra usted.\n\n"
            "Después de su solicitud, un agente decide si puede enviarse a la Comisión de Inmigración y "
            "Refugiados. Podemos acompañarle en cada etapa.",
        ),
    },
    {
        "slug": "first-30-days",
        "stages": [ClaimStage.AWAITING_ELIGIBILITY, ClaimStage.REFERRED_PENDING_DECISION],
        "sensitive_group": DataGroup.IMMIGRATION,
        "title": (
            "Après votre demande : les 30 premiers jours",
            "After your claim: the first 30 days",
            "Después de su solicitud: los primeros 30 días",
        ),
        "body": (
            "Les premières semaines comptent beaucoup. Voici ce qu'il faut faire, et quand.\n\n"
            "- Trouvez un avocat tout de suite : l'aide juridique peut le payer selon vos revenus.\n"
            "- Si vous avez demandé l'asile à la frontière, le formulaire Fondement de la demande doit "
            "arriver à la Commission dans les 15 jours.\n"
            "- Passez l'examen médical de l'immigration dans les 30 jours. Il est payé pour vous.\n"
            "- Gardez votre adresse à jour auprès des autorités : c'est là qu'elles vous écrivent.\n"
            "- Après l'examen médical, vous pouvez recevoir un permis de travail ouvert.\n\n"
            "Si une date approche et que vous ne savez pas quoi faire, appelez-nous.",
            "The first weeks matter a lot. Here is what to do, and when.\n\n"
            "- Find a lawyer right away: legal aid may pay for one depending on your income.\n"
            "- If you claimed at the border, the Basis of Claim form must reach the Board within 15 "
            "days.\n"
            "- Take the immigration medical exam within 30 days. It is paid for you.\n"
            "- Keep your address up to date with the authorities: that is where they write to you.\n"
            "- After the medical exam, you may receive an open work permit.\n\n"
            "If a date is coming and you do not know what to do, call us.",
            "Las primeras semanas cuentan mucho. Esto es lo que hay que hacer, y cuándo.\n\n"
            "- Busque un abogado de inmediato: la asistencia jurídica puede pagarlo según sus ingresos.\n"
            "- Si pidió asilo en la frontera, el Formulario Fundamento de la Solicitud de Asilo debe llegar a la "
            "Comisión en un plazo de 15 días.\n"
            "- Hágase el examen médico de inmigración en un plazo de 30 días. Se paga por usted.\n"
            "- Mantenga su dirección al día ante las autoridades: es allí donde le escriben.\n"
            "- Después del examen médico, puede recibir un permiso de trabajo abierto.\n\n"
            "Si se acerca una fecha y no sabe qué hacer, llámenos.",
        ),
    },
]
