"""Author-written policy-news negatives in Arabic, English and French, expanded from templates.

Why: every labelled corpus Marsad trains on is incident-heavy and English. Users mostly read Arabic
policy news (conferences, strategies, trials, anniversaries) that mentions attacks without reporting
one; without examples of it the relevance model would call every counter-terrorism conference an
incident. These sentences were written for Marsad (no third-party text) and may ship.
"""

from __future__ import annotations

import random

__all__ = ["policy_negatives"]

_SLOTS = {
    "en": {
        "who": ["The interior minister", "The Secretary-General of the Arab League", "The UN envoy",
                "The head of the counter-terrorism unit", "The foreign minister", "The national security adviser",
                "The president", "A government spokesman"],
        "place": ["Cairo", "Tunis", "Riyadh", "Algiers", "Rabat", "Amman", "Baghdad", "Nouakchott", "Doha", "Beirut"],
        "topic": ["terrorist financing", "the return of foreign fighters", "online radicalisation",
                  "the protection of critical infrastructure", "border security", "the recruitment of children",
                  "drone threats", "violent extremism", "the exchange of information between member states"],
        "num": ["three", "22", "15", "two", "40", "five"],
        "year": ["2015", "2016", "2017", "2019", "2020", "2021"],
    },
    "fr": {
        "who": ["Le ministre de l'Intérieur", "Le secrétaire général de la Ligue arabe", "L'envoyé de l'ONU",
                "Le chef de l'unité antiterroriste", "Le ministre des Affaires étrangères", "Le président",
                "Un porte-parole du gouvernement"],
        "place": ["Tunis", "Alger", "Rabat", "Nouakchott", "Bamako", "Niamey", "Paris", "Beyrouth", "Dakar"],
        "topic": ["le financement du terrorisme", "le retour des combattants étrangers", "la radicalisation en ligne",
                  "la protection des infrastructures critiques", "la sécurité des frontières",
                  "le recrutement des enfants", "la menace des drones", "l'extrémisme violent",
                  "l'échange d'informations entre États membres"],
        "num": ["trois", "22", "15", "deux", "40", "cinq"],
        "year": ["2015", "2016", "2017", "2019", "2020", "2021"],
    },
    "ar": {
        "who": ["وزير الداخلية", "الأمين العام لجامعة الدول العربية", "المبعوث الأممي", "رئيس وحدة مكافحة الإرهاب",
                "وزير الخارجية", "رئيس الجمهورية", "المتحدث باسم الحكومة", "الأمين العام لمجلس وزراء الداخلية العرب"],
        "place": ["القاهرة", "تونس", "الرياض", "الجزائر", "الرباط", "عمّان", "بغداد", "نواكشوط", "الدوحة", "بيروت"],
        "topic": ["تمويل الإرهاب", "عودة المقاتلين الأجانب", "التطرف عبر الإنترنت", "حماية البنية التحتية الحيوية",
                  "أمن الحدود", "تجنيد الأطفال", "تهديدات الطائرات المسيرة", "التطرف العنيف",
                  "تبادل المعلومات بين الدول الأعضاء"],
        "num": ["ثلاثة", "22", "15", "اثنين", "40", "خمسة"],
        "year": ["2015", "2016", "2017", "2019", "2020", "2021"],
    },
}

_TEMPLATES = {
    "en": [
        "{who} opened the annual conference of counter-terrorism officials in {place} on Monday, stressing the need "
        "for closer cooperation on {topic}. Delegations from {num} countries attend the two-day meeting.",
        "{who} said the new national strategy against terrorism will focus on {topic} and on prevention, "
        "and called on partners to support the plan with training and equipment.",
        "Ministers meeting in {place} signed a memorandum of understanding on {topic}, the statement said, "
        "adding that a joint committee will follow up the implementation of the agreement.",
        "A court in {place} sentenced {num} men to prison for belonging to a terrorist group and planning attacks, "
        "in a trial that lasted several months. Their lawyers said they would appeal the verdict.",
        "Residents of {place} marked the anniversary of the {year} bombing with a memorial ceremony, "
        "laying flowers in tribute to the victims who were killed that day.",
        "{who} condemned terrorism in all its forms in a speech to parliament and warned of the threat posed by "
        "{topic}, urging member states to update their laws.",
        "A report published on Tuesday says attacks in the region fell by {num} percent in {year}, "
        "and recommends more investment in {topic}.",
        "The security forces held a training exercise in {place} to test their response to a simulated attack "
        "on a shopping centre, the ministry said in a statement.",
        "A workshop on {topic} for judges and prosecutors ended in {place} with recommendations on evidence "
        "and international cooperation.",
        "The Security Council adopted a resolution adding {num} individuals to the sanctions list over links to "
        "terrorist financing.",
        "{who} received the ambassador in {place} and discussed bilateral relations and regional security "
        "challenges, including {topic}.",
        "The government announced a programme to rehabilitate former fighters and to raise awareness among "
        "young people about the dangers of extremist propaganda.",
        "Parliament debated a draft law on {topic} on Wednesday; opposition members criticised provisions on "
        "surveillance and detention.",
        "Experts gathered in {place} for a seminar on the lessons of the {year} attacks and on how media should "
        "cover terrorism without spreading fear.",
        "The central bank said inflation slowed to {num} percent and the economy grew faster than expected, "
        "helped by tourism and exports.",
        "The national team won the final in {place} on Sunday in front of thousands of supporters.",
        "Heavy rain is expected in {place} this week, the weather service said, warning drivers to be careful "
        "on the roads.",
        "{who} visited the families of victims of the {year} attack and promised compensation and support.",
        "The expert team for monitoring terrorist threats held its first meeting in {place} to agree on a "
        "methodology for analysing incidents and sharing data.",
        "Interior ministers agreed to set up a regional database on {topic} and to meet again next year.",
    ],
    "fr": [
        "{who} a ouvert lundi à {place} la conférence annuelle des responsables de la lutte antiterroriste, "
        "soulignant la nécessité d'une coopération plus étroite sur {topic}.",
        "{who} a déclaré que la nouvelle stratégie nationale de lutte contre le terrorisme mettra l'accent sur "
        "{topic} et sur la prévention, et a appelé les partenaires à soutenir ce plan.",
        "Les ministres réunis à {place} ont signé un protocole d'accord sur {topic}, selon le communiqué, "
        "qui précise qu'un comité conjoint assurera le suivi.",
        "Le tribunal de {place} a condamné {num} hommes à des peines de prison pour appartenance à un groupe "
        "terroriste, à l'issue d'un procès de plusieurs mois. Leurs avocats ont annoncé faire appel.",
        "Les habitants de {place} ont commémoré l'anniversaire de l'attentat de {year} lors d'une cérémonie "
        "d'hommage aux victimes.",
        "{who} a condamné le terrorisme sous toutes ses formes dans un discours devant le parlement et a mis en "
        "garde contre la menace liée à {topic}.",
        "Un rapport publié mardi indique que les attaques dans la région ont baissé de {num} % en {year} et "
        "recommande d'investir davantage dans {topic}.",
        "Les forces de sécurité ont mené à {place} un exercice de simulation d'attaque contre un centre "
        "commercial, a indiqué le ministère dans un communiqué.",
        "Un atelier sur {topic} destiné aux juges et aux procureurs s'est achevé à {place} par des "
        "recommandations sur la coopération internationale.",
        "Le Conseil de sécurité a adopté une résolution ajoutant {num} personnes à la liste des sanctions pour "
        "leurs liens avec le financement du terrorisme.",
        "{who} a reçu l'ambassadeur à {place} et a évoqué les relations bilatérales et les défis sécuritaires "
        "régionaux, dont {topic}.",
        "Le gouvernement a annoncé un programme de réhabilitation des anciens combattants et de sensibilisation "
        "des jeunes aux dangers de la propagande extrémiste.",
        "Le parlement a examiné mercredi un projet de loi sur {topic}; l'opposition a critiqué les dispositions "
        "sur la surveillance.",
        "Des experts se sont réunis à {place} pour un séminaire sur les leçons des attentats de {year} et sur "
        "la couverture médiatique du terrorisme.",
        "La banque centrale a indiqué que l'inflation a ralenti à {num} % et que la croissance a dépassé les "
        "prévisions grâce au tourisme.",
        "L'équipe nationale a remporté dimanche la finale à {place} devant des milliers de supporters.",
        "De fortes pluies sont attendues à {place} cette semaine, selon la météo, qui appelle les conducteurs "
        "à la prudence.",
        "{who} a rendu visite aux familles des victimes de l'attentat de {year} et a promis une indemnisation.",
        "L'équipe d'experts chargée du suivi des menaces terroristes a tenu sa première réunion à {place} pour "
        "adopter une méthodologie d'analyse.",
        "Les ministres de l'Intérieur ont convenu de créer une base de données régionale sur {topic}.",
    ],
    "ar": [
        "افتتح {who} في {place} يوم الاثنين المؤتمر السنوي للمسؤولين عن مكافحة الإرهاب، مؤكداً ضرورة تعزيز "
        "التعاون في مجال {topic}، بمشاركة وفود {num} دولة.",
        "قال {who} إن الاستراتيجية الوطنية الجديدة لمكافحة الإرهاب ستركز على {topic} وعلى الوقاية، ودعا "
        "الشركاء إلى دعم الخطة بالتدريب والتجهيزات.",
        "وقّع الوزراء المجتمعون في {place} مذكرة تفاهم بشأن {topic}، وفق البيان الختامي الذي أشار إلى تشكيل "
        "لجنة مشتركة لمتابعة تنفيذ الاتفاق.",
        "أصدرت محكمة في {place} أحكاماً بالسجن على {num} متهمين بالانتماء إلى جماعة إرهابية والتخطيط لهجمات، "
        "في محاكمة استمرت عدة أشهر، وقال محاموهم إنهم سيستأنفون الحكم.",
        "أحيا سكان {place} الذكرى السنوية لتفجير عام {year} بحفل تأبين، ووضعوا أكاليل الزهور تكريماً للضحايا.",
        "أدان {who} الإرهاب بكل أشكاله في كلمة أمام البرلمان، وحذر من التهديد الذي يمثله {topic}، داعياً الدول "
        "الأعضاء إلى تحديث تشريعاتها.",
        "أفاد تقرير صدر الثلاثاء بأن الهجمات في المنطقة تراجعت بنسبة {num} في المئة عام {year}، وأوصى بمزيد "
        "من الاستثمار في {topic}.",
        "نفذت قوات الأمن في {place} تمريناً لاختبار الاستجابة لهجوم افتراضي على مركز تجاري، حسب بيان للوزارة.",
        "اختتمت في {place} ورشة عمل حول {topic} لفائدة القضاة وأعضاء النيابة العامة بجملة من التوصيات بشأن "
        "التعاون الدولي.",
        "اعتمد مجلس الأمن قراراً بإدراج {num} أفراد على قائمة العقوبات لصلتهم بتمويل الإرهاب.",
        "استقبل {who} في {place} السفير وبحث معه العلاقات الثنائية والتحديات الأمنية الإقليمية ومنها {topic}.",
        "أعلنت الحكومة عن برنامج لإعادة تأهيل المقاتلين السابقين وتوعية الشباب بمخاطر الدعاية المتطرفة.",
        "ناقش البرلمان الأربعاء مشروع قانون بشأن {topic}، وانتقد نواب المعارضة أحكام المراقبة والاحتجاز.",
        "اجتمع خبراء في {place} في ندوة حول دروس هجمات عام {year} ودور الإعلام في تغطية الإرهاب دون نشر الخوف.",
        "قال البنك المركزي إن التضخم تباطأ إلى {num} في المئة وإن الاقتصاد نما أسرع من المتوقع بفضل السياحة.",
        "فاز المنتخب الوطني بالمباراة النهائية في {place} يوم الأحد أمام آلاف المشجعين.",
        "توقعت الأرصاد الجوية هطول أمطار غزيرة على {place} هذا الأسبوع، ودعت السائقين إلى الحذر على الطرق.",
        "زار {who} أسر ضحايا هجوم عام {year} ووعد بتقديم التعويضات والدعم.",
        "عقد فريق الخبراء المعني برصد التهديدات الإرهابية اجتماعه الأول في {place} للاتفاق على منهجية تحليل "
        "الأحداث وتبادل البيانات.",
        "اتفق وزراء الداخلية على إنشاء قاعدة بيانات إقليمية بشأن {topic} وعلى الاجتماع مجدداً العام المقبل.",
    ],
}


def policy_negatives(per_template: int = 6, seed: int = 7) -> list[tuple[str, str]]:
    """(lang, text) pairs: each template filled ``per_template`` times with random slot values."""
    rng = random.Random(seed)
    out = []
    for lang, templates in _TEMPLATES.items():
        slots = _SLOTS[lang]
        for template in templates:
            for _ in range(per_template):
                values = {k: rng.choice(v) for k, v in slots.items()}
                out.append((lang, template.format(**values)))
    return out
