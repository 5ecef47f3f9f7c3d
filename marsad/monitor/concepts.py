"""A hand-written cross-lingual concept lexicon: Arabic, English and French word stems → one concept each.

Why: Marsad has labelled incident data in English only (MUC, GTD, SATP, ACLED), but must read Arabic and
French news. Models trained on *concepts* ("EXPLOSION", "CONFERENCE") instead of English words carry over
to the other two languages, because "explosion", "انفجار" and "explosion" all light the same feature.

Format: ``CONCEPTS[name][lang]`` is a string of entries separated by ``|``. An entry is a stem matched as a
word prefix after folding with :func:`marsad.text.fold` (Arabic clitics و ف ب ك ل ال are stripped first);
an entry ending in ``=`` matches the whole word only; an entry with spaces is a phrase of such stems matched
on consecutive words. Entries are written in natural spelling (ة, أ …) and folded when the matcher is built.
"""

from __future__ import annotations

__all__ = ["CONCEPTS", "INCIDENT_CONCEPTS", "POLICY_CONCEPTS"]

CONCEPTS: dict[str, dict[str, str]] = {
    # ---- what happened ----------------------------------------------------------------------------------
    "EXPLOSION": {
        "en": "device|defus|blew up|shelled|explo|blast|bomb|detonat|ied=|ieds=|grenade|landmine|mine=|mines=|booby|vbied|svbied|dynamite|tnt=",
        "fr": "engin|desamorc|explose|explos|bombe|bombard=|deton|grenade|engin explosif|mine=|mines=|piege|dynamite|tnt=",
        "ar": "عبوة|عبوات|أبطل|تفكيك عبوة|انفجار|انفجر|تفجير|تفجر|يفجر|فجرت|فجروا|متفجر|ناسف|مفخخ|قنبل|لغم|ألغام|الغام|ديناميت",
    },
    "CAR_BOMB": {
        "en": "car bomb|truck bomb|vehicle bomb|vehicle-borne|vehicle borne|vbied|svbied",
        "fr": "voiture piegee|vehicule piege|camion piege|vehicule bourre",
        "ar": "سيارة مفخخة|سيارات مفخخة|عربة مفخخة|شاحنة مفخخة",
    },
    "SUICIDE": {
        "en": "suicide|kamikaze|self-immolat",
        "fr": "suicide|kamikaze",
        "ar": "انتحاري|انتحارية|انتحاريين|انتحاريون|حزام ناسف|أحزمة ناسفة",
    },
    "FIREARM": {
        "en": "gunmen|gunman|armed men|armed attack|armed assault|shoot|shot=|shots=|gunfire|gunshot|gun=|guns=|rifle|firearm|pistol|ak-47|kalashnikov|machine gun|"
              "opened fire|open fire|fired=|sniper|bullet|small arms",
        "fr": "hommes armes|individus armes|attaque armee|attaque a main armee|tir=|tirs=|tire=|tirer|fusillade|balle|arme a feu|armes a feu|kalachnikov|pistolet|fusil|mitraill|"
              "ouvert le feu|ouvre le feu|sniper|tireur",
        "ar": "مسلحون|مسلحين|رجال مسلحون|هجوم مسلح|هجوما مسلحا|الهجوم المسلح|بالرصاص|إطلاق النار|إطلاق نار|أطلق النار|أطلقوا النار|اطلاق الرصاص|رصاص|الرصاص|بندقي|كلاشنكوف|كلاشينكوف|"
              "رشاش|مسدس|قناص|طلق ناري|طلقات",
    },
    "GUNMEN": {
        "en": "gunmen|gunman|armed men|armed assailant|assailant|attacker|militant|insurgent|rebels|rebel=|"
              "guerrilla|terrorist|jihadist|extremist|subversive|fighters|bandits|separatist",
        "fr": "hommes armes|individus armes|homme arme|assaillant|militant|insurge|rebelle|guerilla|terroriste|"
              "djihadiste|jihadiste|extremiste|combattants|bandits|separatiste|groupe arme",
        "ar": "مسلحون|مسلحين|مسلح|المسلحين|عناصر مسلحة|إرهابي|ارهابي|إرهابيين|إرهابيون|متطرف|جهادي|متمرد|"
              "تكفيري|مهاجم|المهاجمين|عصابة|انفصالي|مقاتلين|مقاتلون|جماعة مسلحة",
    },
    "KILL": {
        "en": "kill|dead=|death|deaths|died=|die=|dies=|slain|murder|massacre|fatal|lifeless|bodies|body=|"
              "beheaded|behead|executed|lost their lives|lost his life",
        "fr": "tue=|tues=|tuee|tuant|tuer|mort=|morts=|morte|deces|decede|massacr|meurtre|assassine|"
              "cadavre|corps=|egorge|decapit|execute|sans vie|ont peri|a peri|victimes",
        "ar": "قتل|قتيل|قتلى|مقتل|يقتل|مصرع|لقي حتفه|لقوا حتفهم|حتفهم|حتفه|استشهد|استشهاد|شهيد|شهداء|"
              "جثة|جثث|ذبح|نحر|أعدم|إعدام|وفاة|توفي|مجزرة|ضحايا|قضى|لقوا مصرعهم",
    },
    "WOUND": {
        "en": "wound|injur|hurt=|casualt|hospitali|maimed",
        "fr": "bless|hospitalis|victime",
        "ar": "جرح|جريح|جرحى|إصابة|إصابات|أصيب|اصيب|مصاب|مصابين|إصابته|المصابين",
    },
    "KIDNAP": {
        "en": "kidnap|abduct|hostage|ransom|captive|held captive|taken captive|seized and taken",
        "fr": "enlev|enleve|kidnapp|otage|rancon|rapt=|sequestr|capture",
        "ar": "خطف|اختطاف|اختطف|مختطف|خاطف|رهائن|رهينة|فدية|احتجز|احتجاز",
    },
    "HIJACK": {
        "en": "hijack|commandeer|skyjack",
        "fr": "detourn|pirate de l air",
        "ar": "اختطاف طائرة|اختطاف سفينة|اختطاف حافلة|اختطفوا طائرة|قرصنة",
    },
    "LEADER": {
        "en": "commander|chief|leader|elder|colonel|general=|bodyguard|chairman|chairperson|director|head of|"
              "prominent|senior|deputy|lawmaker|mp=|judge|prosecutor|president|candidate|governor|mayor",
        "fr": "commandant|chef|dirigeant|notable|colonel|general=|garde du corps|president|directeur|haut responsable|"
              "depute|juge|procureur|candidat|gouverneur|maire|imam",
        "ar": "قائد|القائد|زعيم|الزعيم|رئيس|شيخ|وجيه|وجهاء|عقيد|العقيد|لواء=|اللواء=|حارس شخصي|حراسه|مدير|أمير|"
              "نائب|النائب|قاضي|المدعي العام|مرشح|محافظ=|عمدة|مختار|زعيم قبلي",
    },
    "RELEASE": {
        "en": "released|freed|rescued|whereabouts|set free|liberated|hostages were",
        "fr": "libere|liberes|relache|liberation|sort inconnu|retrouve",
        "ar": "أفرج|الإفراج|أطلق سراح|إطلاق سراح|تحرير|حرر|مصير|مجهول المصير",
    },
    "POLITICAL_PARTY": {
        "en": "party|hizb|political activist|party worker|party office|rally",
        "fr": "parti=|partis=|militant politique|permanence|meeting politique",
        "ar": "حزب|الحزب|أحزاب|ناشط سياسي|مقر الحزب|تجمع انتخابي",
    },
    "ASSASSINATION": {
        "en": "assassin|targeted killing",
        "fr": "assassin",
        "ar": "اغتيال|اغتال|اغتيل",
    },
    "ATTACK": {
        "en": "attack|assault|raid=|raided|ambush|stormed|storm=|strike=|struck",
        "fr": "attaqu|attentat|assaut|embuscade|raid=|frappe|prise d assaut",
        "ar": "هجوم|هجمات|هاجم|هجمة|اعتداء|اعتدى|استهدف|استهداف|غارة|كمين|اقتحم|اقتحام",
    },
    "ARSON": {
        "en": "petrol|gasoline|kerosene|arson|set fire|set on fire|set ablaze|torched|torch=|burn|burnt|incendiar|molotov|firebomb|blaze",
        "fr": "essence|kerosene|incendi|brule|cocktail molotov|mis le feu|mettre le feu|calcine",
        "ar": "بنزين|البنزين|وقود|كيروسين|حرق|إحراق|أحرق|احرق|أضرم|حريق|حرائق|مولوتوف|النيران|أشعل",
    },
    "DRONE": {
        "en": "drone|uav=|uavs=|uas=|unmanned aerial|quadcopter|unmanned aircraft",
        "fr": "drone|aeronef sans pilote|quadricoptere",
        "ar": "طائرة مسيرة|طائرات مسيرة|طائرة بدون طيار|طائرات بدون طيار|بدون طيار|مسيرات|مسيّرة مفخخة|درون|درونز",
    },
    "ROCKET": {
        "en": "rocket|missile|mortar|shell=|shells=|shelling|artillery|rpg=|rpgs=|projectile",
        "fr": "roquette|missile|obus|mortier|artillerie|projectile",
        "ar": "صاروخ|صواريخ|قذيفة|قذائف|هاون|مدفعي|مقذوف",
    },
    "MELEE": {
        "en": "bat=|bats=|baton|stoned|stoning|punched|clubbed|knife|knives|stab|machete|axe=|sword|hacked|blade|beaten|clubs=|sticks",
        "fr": "batte|baton|lapid|roue de coups|matraque|couteau|poignard|machette|hache|sabre|arme blanche|armes blanches|frappe a mort|egorg",
        "ar": "عصي|هراوات|رجم|ضرب مبرح|عصا|سكين|سكاكين|طعن|ساطور|سيف|بلطة|أسلحة بيضاء|سلاح أبيض|ضرب حتى الموت",
    },
    "RAMMING": {
        "en": "driver|drove|van=|rammed|ramming|ploughed into|plowed into|drove into|run over|ran over",
        "fr": "conducteur|camionnette|a fonce|voiture belier|voiture-belier|fonce sur|percute|ecrase",
        "ar": "سائق|اقتحم بسيارته|بشاحنته|دهس|عملية دهس|صدم",
    },
    "CHEMICAL": {
        "en": "envelope|white powder|powder|chemical|chlorine|sarin|mustard gas|poison|toxic|acid=|anthrax|ricin|radioactive|nuclear",
        "fr": "enveloppe|poudre blanche|poudre|chimique|chlore|sarin|gaz moutarde|empoison|toxique|acide|anthrax|ricine|radioacti|nucleaire",
        "ar": "ظرف|مسحوق أبيض|مسحوق|كيميائي|كيماوي|الكلور|السارين|غاز الخردل|تسميم|سام|سامة|حمض|أسيد|الجمرة الخبيثة|مشع|نووي",
    },
    "BARRICADE": {
        "en": "barricad|standoff|stand-off|siege|besieg|holed up",
        "fr": "retranch|siege|assieg",
        "ar": "تحصن|متحصن|حصار|محاصر",
    },
    "SABOTAGE": {
        "en": "sabotag|vandali|blew up|cut=|destroyed|damaged|damage",
        "fr": "sabot|vandal|degat|detruit|endommag|dynamite",
        "ar": "تخريب|خرب|دمر|تدمير|أضرار|اضرار|أتلف",
    },
    "CLAIM": {
        "en": "claimed responsibility|claim=|claimed=|claims=|responsibility",
        "fr": "revendiqu|responsabilite",
        "ar": "تبنى|تبنت|تبني|أعلن مسؤوليته|أعلنت مسؤوليتها|مسؤوليته|مسؤوليتها|المسؤولية عن",
    },
    "VICTIM": {
        "en": "victim|civilian|casualty|passers-by|bystander",
        "fr": "victime|civil=|civils=|passant",
        "ar": "ضحية|ضحايا|مدني|مدنيين|مدنيون|المارة",
    },
    "CLASH": {
        "en": "clash|fighting|battle|exchange of fire|firefight|skirmish|combat=|offensive",
        "fr": "affrontement|accrochage|combat|echange de tirs|offensive",
        "ar": "اشتباك|اشتباكات|معارك|معركة|مواجهات|تبادل إطلاق النار|قتال",
    },
    "ARREST": {
        "en": "arrest|detain|captured|apprehend|custody|dismantled|foiled|thwarted|seized",
        "fr": "arret|interpell|detenu|garde a vue|demantel|dejoue|saisi",
        "ar": "اعتقال|اعتقل|القبض|قبض|توقيف|أوقف|احتجز|تفكيك|إحباط|أحبط|ضبط",
    },
    "HOSPITAL": {
        "en": "hospital|medical|ambulance|treated",
        "fr": "hopital|medical|ambulance|urgences",
        "ar": "مستشفى|المستشفى|مستشفيات|الإسعاف|إسعاف|طبي",
    },
    "RECENT_TIME": {
        "en": "yesterday|today|tonight|last night|this morning|early morning|overnight|hours",
        "fr": "hier|aujourd hui|cette nuit|ce matin|la nuit derniere|dans la nuit|heures",
        "ar": "أمس|الليلة الماضية|فجر اليوم|صباح اليوم|مساء أمس|ليلة أمس|ساعات|اليوم",
    },
    "WEEKDAY": {
        "en": "monday|tuesday|wednesday|thursday|friday|saturday|sunday",
        "fr": "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche",
        "ar": "الاثنين|الإثنين|الثلاثاء|الأربعاء|الخميس|الجمعة|السبت|الأحد",
    },
    "SECURITY_SOURCE": {
        "en": "security source|police said|officials said|spokesman|eyewitness|witnesses|according to police",
        "fr": "source securitaire|selon la police|porte-parole|temoin",
        "ar": "مصدر أمني|مصادر أمنية|شهود عيان|شاهد عيان|متحدث باسم|الناطق باسم",
    },
    "TERRORISM": {
        "en": "terror",
        "fr": "terror",
        "ar": "إرهاب|ارهاب",
    },
    # ---- who or what was hit (target types) ---------------------------------------------------------------
    "POLICE": {
        "en": "checkpost|check post|police post|alp=|anp=|local police|police|policeman|policemen|constable|officer|patrolm|checkpoint|gendarm|cop=|cops=",
        "fr": "poste de police|police locale|police|policier|gendarm|commissariat|agent de police|barrage|poste de controle",
        "ar": "مخفر|نقطة شرطة|الشرطة المحلية|شرطة|شرطي|الشرطة|رجال الأمن|رجل أمن|دورية|حاجز|نقطة تفتيش|مركز شرطة|درك|الدرك",
    },
    "MILITARY": {
        "en": "outpost|ana=|peshmerga|nato=|military post|army post|garrison|soldier|army|troops|military|battalion|brigade|barracks|base=|convoy|patrol|security forces|"
              "marines|navy|armed forces|national guard|peacekeep",
        "fr": "avant-poste|poste militaire|garnison|peshmergas|soldat|armee|militaire|troupes|bataillon|brigade|caserne|base=|convoi|patrouille|forces de securite|"
              "casque bleu|forces armees|garde nationale",
        "ar": "موقع عسكري|مخفر عسكري|البيشمركة|حامية|جندي|جنود|الجيش|جيش|عسكري|القوات|قوات الأمن|ثكنة|قاعدة عسكرية|رتل|قافلة|كتيبة|لواء|الحرس",
    },
    "GOVERNMENT": {
        "en": "polling|voter|electoral|headquarters|directorate|intelligence|nds=|registration|provincial|department|district office|courthouse|government|official|mayor|governor|minister|council|parliament|municipal|ministry|politician|"
              "district chief|administrat|election|candidate|judge",
        "fr": "bureau de vote|electeur|electoral|siege|direction|renseignement|prefecture|sous-prefecture|tribunal|gouvern|responsable|maire|prefet|ministre|ministere|conseil|parlement|municipal|elu=|elus=|"
              "politicien|administrat|election|candidat|juge",
        "ar": "مركز اقتراع|مراكز الاقتراع|الناخبين|انتخابي|مقر|مديرية|الاستخبارات|المخابرات|دائرة|ديوان|حكومة|حكومي|مسؤول|محافظ=|المحافظ=|وزير|وزارة|مجلس|برلمان|نائب|بلدية|عمدة|قاضي|مرشح|انتخاب|والي",
    },
    "DIPLOMATIC": {
        "en": "embassy|consulate|diplomat|ambassador|envoy",
        "fr": "ambassade|consulat|diplomat|ambassadeur",
        "ar": "سفارة|قنصلية|دبلوماسي|سفير|بعثة",
    },
    "BUSINESS": {
        "en": "shop|store|market|bank|hotel|restaurant|business|company|factory|office|cafe|bar=|mall|"
              "merchant|trader|shopkeeper|firm=|contractor|employee|workers",
        "fr": "magasin|boutique|marche|banque|hotel|restaurant|entreprise|societe|usine|bureau|cafe|commer|"
              "employe|ouvrier",
        "ar": "متجر|محل=|المحل=|محلات|المحلات|محال تجارية|سوق|مصرف|بنك|فندق|مطعم|شركة|مصنع|مقهى|تاجر|تجار|عمال|موظف",
    },
    "EDUCATION": {
        "en": "kindergarten|madrassa|madrasa|seminary|school|university|college|student|teacher|pupil|campus|academy",
        "fr": "maternelle|medersa|madrasa|ecole|universite|college|lycee|etudiant|eleve|enseignant|professeur",
        "ar": "روضة|مدرسة دينية|مدرسة قرآنية|معهد|مدرسة|مدارس|جامعة|كلية|طلاب|الطلاب|طالبات|معلم|مدرس|تلاميذ",
    },
    "RELIGIOUS": {
        "en": "parish|sufi|scholar|ulema|cleric|preacher|missionar|mosque|church|temple|shrine|imam|priest|cleric|pilgrim|worshipper|synagogue|monastery|religious|"
              "prayer|cathedral|pastor|bishop|nun=|monk",
        "fr": "paroisse|soufi|ouleme|ouléma|erudit|predicateur|missionnaire|mosquee|eglise|temple|sanctuaire|imam|pretre|pelerin|fidele|synagogue|religieu|priere|cathedrale|"
              "pasteur|eveque",
        "ar": "رعية|صوفي|عالم دين|علماء|داعية|خطيب|مبشر|مسجد|مساجد|جامع|كنيسة|كنائس|معبد|ضريح|مزار|قس=|كاهن|حجاج|مصلين|المصلين|صلاة|ديني|حسينية|الإمام الخطيب|خطيب",
    },
    "TRANSPORT": {
        "en": "bus=|buses|train=|trains|railway|rail=|station|highway|road|vehicle|truck|minibus|taxi|bridge|"
              "passenger|metro|subway|car=|cars=",
        "fr": "bus=|autobus|minibus|car=|train=|trains|chemin de fer|gare|station|autoroute|route|vehicule|camion|taxi|"
              "pont=|passager|metro|voiture",
        "ar": "حافلة|باص|قطار|سكة حديد|محطة|طريق|سيارة|شاحنة|مركبة|جسر|ركاب|مترو|سيارات",
    },
    "AIRPORT": {
        "en": "airport|aircraft|airplane|plane|airliner|airline|flight|helicopter|airfield|airstrip",
        "fr": "aeroport|avion|aeronef|vol=|helicoptere|compagnie aerienne|aerodrome",
        "ar": "مطار|طائرة|طائرات|رحلة جوية|مروحية|هليكوبتر|الخطوط الجوية",
    },
    "MARITIME": {
        "en": "ship|vessel|boat|port=|ferry|tanker|harbor|harbour|sailor|navy|maritime|pirate",
        "fr": "navire|bateau|port=|ferry|petrolier|marin=|marins=|maritime|pirate",
        "ar": "سفينة|سفن|قارب|ميناء|ناقلة|بحري|بحارة|قراصنة",
    },
    "UTILITIES": {
        "en": "pipeline|power line|power station|power plant|electricity|electric|pylon|grid|gas=|oil=|"
              "water supply|substation|dam=|refinery|energy",
        "fr": "oleoduc|gazoduc|pipeline|ligne electrique|centrale|electricite|pylone|reseau electrique|raffinerie|"
              "barrage hydro|energie|petrole",
        "ar": "خط أنابيب|أنبوب|انابيب|محطة كهرباء|الكهرباء|كهرباء|أبراج الكهرباء|شبكة|مصفاة|سد=|الطاقة|النفط|الغاز|"
              "خط الغاز",
    },
    "TELECOM": {
        "en": "tower|mobile=|phone=|telecom|mobile phone tower|cell tower|mast=|antenna|telephone|communications tower|transmitter",
        "fr": "tour de telecommunication|mobile=|telecom|antenne|relais|pylone de telephonie|telephon",
        "ar": "برج|أبراج|شبكة الهاتف|اتصالات|برج اتصالات|أبراج الاتصالات|هوائي|الهاتف",
    },
    "MEDIA": {
        "en": "tv=|fm=|news agency|printing press|journalist|reporter|media|newspaper|television|radio|broadcaster|editor|photographer|blogger",
        "fr": "tele=|agence de presse|imprimerie|journalist|reporter|media|journal=|television|radio|redacteur|photographe",
        "ar": "وكالة أنباء|مطبعة|إذاعة محلية|صحفي|صحافي|إعلامي|اعلامي|صحيفة|قناة|تلفزيون|إذاعة|مراسل",
    },
    "NGO": {
        "en": "aid=|relief|doctors without|medecins sans|mercy|deminer|demining|aid group|ngo=|ngos=|aid worker|humanitarian|red cross|charity|relief worker|non-governmental|unicef|unhcr",
        "fr": "aide humanitaire|medecins sans frontieres|deminage|demineur|ong=|humanitaire|croix-rouge|croix rouge|association caritative",
        "ar": "أطباء بلا حدود|إزالة الألغام|نزع الألغام|عمال الإغاثة|الإغاثة|منظمة غير حكومية|إغاثة|اغاثة|الصليب الأحمر|الهلال الأحمر|إنساني|انساني|خيرية",
    },
    "TOURIST": {
        "en": "tourist|holidaymaker|resort|sightseeing",
        "fr": "touriste|vacancier|station balneaire",
        "ar": "سائح|سياح|السياح|سياحي|منتجع",
    },
    "CIVILIANS": {
        "en": "civilian|villager|resident|people=|family|families|children|child=|women|woman|man=|men=|home|"
              "house|farmer|village|wedding|crowd|neighborhood|girl|boy=",
        "fr": "civil=|civils=|villageois|habitant|famille|enfant|femme|homme|domicile|maison|agriculteur|village|"
              "mariage|foule|quartier|fille|garcon",
        "ar": "مدني|مدنيين|مواطن|سكان|أهالي|عائلة|أسرة|أطفال|طفل|نساء|امرأة|منزل|منازل|بيت|مزارع|قرية|حفل زفاف|حي=",
    },
    "MILITIA_TARGET": {
        "en": "uprising|arbakai|anti-taliban|vigilante|civilian joint task force|cjtf=|self-defense group|self-defence group|militia|rival group|rival faction|former militant|pro-government|tribal elder|peace committee|"
              "lashkar|fighters of|members of the",
        "fr": "soulevement|groupe d autodefense|autodefense|comite de vigilance|milice|groupe rival|faction rivale|ancien militant|comite de paix",
        "ar": "انتفاضة|الصحوة|لجان شعبية|اللجان الشعبية|الدفاع الذاتي|ميليشيا|ميليشيات|مليشيا|الحشد|فصيل|الفصائل|جماعة منافسة|لجنة السلام|الصحوات",
    },
    # ---- policy news, which is not an incident ---------------------------------------------------------------
    "CONFERENCE": {
        "en": "conference|summit|meeting|forum|session|workshop|seminar|symposium|convened|delegation|"
              "participants|panel",
        "fr": "conference|sommet|reunion|forum|session|atelier|seminaire|colloque|delegation|participants",
        "ar": "مؤتمر|قمة|اجتماع|منتدى|ندوة|ورشة|جلسة|جلسات|الوفود|وفد|المشاركين|ملتقى",
    },
    "STRATEGY": {
        "en": "strategy|strategic|framework|policy|policies|cooperation|coordination|partnership|capacity|"
              "plan=|plans=|roadmap|initiative|mechanism|programme|program|approach|efforts",
        "fr": "strategi|cadre|politique|cooperation|coordination|partenariat|capacite|plan=|feuille de route|"
              "initiative|mecanisme|programme|approche|efforts",
        "ar": "استراتيجي|إستراتيجي|استراتيجية|إطار|سياسة|سياسات|تعاون|تنسيق|شراكة|قدرات|خطة|خارطة طريق|"
              "مبادرة|آلية|برنامج|جهود|منظومة",
    },
    "STATEMENT": {
        "en": "statement|stressed|underlined|emphasi|called for|urged|condemn|welcomed|reaffirm|noted that|"
              "declared|announced|expressed|speech|address|told reporters|press conference",
        "fr": "declar|communique|souligne|appele|appelle|condamn|salue|reaffirm|note que|annonce|exprime|"
              "discours|allocution|conference de presse",
        "ar": "بيان|صرح|تصريح|أكد|اكد|شدد|دعا|أدان|ادان|استنكر|رحب|جدد|أعرب|أشار|كلمة|خطاب|مؤتمر صحفي",
    },
    "TRIAL": {
        "en": "trial|court|sentenced|convicted|verdict|judge|prosecut|acquitt|appeal|lawyer|tribunal|"
              "testimony|indictment|charged with|jail|prison",
        "fr": "proces|tribunal|condamne a|peine|verdict|juge|parquet|procureur|acquitt|appel=|avocat|"
              "temoignage|inculpe|prison|cour=",
        "ar": "محاكمة|محكمة|حكم|أحكام|قاضي|القضاء|النيابة|المدعي العام|برأت|تبرئة|استئناف|محامي|سجن|"
              "السجن|متهم|المتهمين|إدانة",
    },
    "ANNIVERSARY": {
        "en": "anniversary|commemorat|memorial|remembrance|years ago|years since|tribute|mourn",
        "fr": "anniversaire|commemor|memorial|hommage|il y a ans|souvenir",
        "ar": "ذكرى|الذكرى|إحياء ذكرى|تأبين|تخليد|حداد",
    },
    "AGREEMENT": {
        "en": "agreement|memorandum|treaty|signed|convention|protocol|accord=|pact",
        "fr": "accord|memorandum|traite|protocole|convention|signe|signature",
        "ar": "اتفاقية|اتفاق|مذكرة تفاهم|معاهدة|توقيع|وقع|بروتوكول",
    },
    "TRAINING": {
        "en": "training|exercise|drill|course|capacity-building|manoeuvre|maneuver",
        "fr": "formation|exercice|entrainement|stage|manoeuvre",
        "ar": "تدريب|تدريبية|تمرين|مناورة|دورة|تأهيل",
    },
    "REPORT": {
        "en": "report=|reports=|study|index|survey|research|analysis|figures|statistics|data",
        "fr": "rapport=|rapports=|etude|indice|enquete|recherche|analyse|chiffres|statistiques|donnees",
        "ar": "تقرير|دراسة|مؤشر|استطلاع|بحث|تحليل|إحصائيات|احصائيات|بيانات|أرقام",
    },
    "COUNTER": {
        "en": "counter-terror|counterterror|counter terror|combat terror|combating|countering|fight against|"
              "prevention|preventing|prevent|deradical|resilience|violent extremism",
        "fr": "lutte contre|antiterror|contre-terror|combattre|prevention|prevenir|deradical|resilience|"
              "extremisme violent",
        "ar": "مكافحة|مواجهة|التصدي|الوقاية|منع|اجتثاث|التطرف العنيف|محاربة",
    },
    "THREAT": {
        "en": "threat|risk|challenge|danger|vulnerab|warning|warned|alert",
        "fr": "menace|risque|defi|danger|vulnerab|avertissement|alerte",
        "ar": "تهديد|تهديدات|خطر|مخاطر|تحدي|تحديات|تحذير|حذر",
    },
    "LAW": {
        "en": "law=|laws=|legislation|bill=|decree|regulation|resolution|sanction|listing|designat",
        "fr": "loi=|lois=|legislation|projet de loi|decret|reglement|resolution|sanction|inscri|designation",
        "ar": "قانون|تشريع|مرسوم|لائحة|قرار|عقوبات|إدراج|تصنيف",
    },
    "ORGANISATION": {
        "en": "united nations|secretary-general|secretary general|league|council of|organization|organisation|"
              "union=|ministers|secretariat|interpol|committee|agency",
        "fr": "nations unies|secretaire general|ligue|conseil des|organisation|union=|ministres|secretariat|"
              "interpol|comite|agence",
        "ar": "الأمم المتحدة|الأمين العام|أمين عام|جامعة الدول|الجامعة العربية|مجلس وزراء|منظمة|الاتحاد|الأمانة العامة|"
              "الإنتربول|لجنة|هيئة",
    },
    "ECONOMY": {
        "en": "economy|economic|trade=|investment|market=|markets=|growth|budget|inflation|price",
        "fr": "economi|commerce|investissement|croissance|budget|inflation|prix=",
        "ar": "اقتصاد|اقتصادي|تجارة|استثمار|نمو|ميزانية|موازنة|تضخم|أسعار",
    },
    "EDUCATION_POLICY": {
        "en": "awareness|education|curriculum|youth|dialogue|tolerance|media campaign|values",
        "fr": "sensibilisation|education|jeunesse|dialogue|tolerance|valeurs",
        "ar": "توعية|التوعية|تعليم|الشباب|حوار|تسامح|قيم|الوعي|الفكر",
    },
}

#: concepts that describe violence happening (used by themes and tests)
INCIDENT_CONCEPTS = (
    "EXPLOSION", "CAR_BOMB", "SUICIDE", "FIREARM", "GUNMEN", "KILL", "WOUND", "KIDNAP", "HIJACK",
    "ASSASSINATION", "ATTACK", "ARSON", "DRONE", "ROCKET", "MELEE", "RAMMING", "BARRICADE", "SABOTAGE",
)

#: concepts typical of policy news (conferences, strategies, trials…)
POLICY_CONCEPTS = (
    "CONFERENCE", "STRATEGY", "STATEMENT", "TRIAL", "ANNIVERSARY", "AGREEMENT", "TRAINING", "REPORT",
    "COUNTER", "THREAT", "LAW", "ORGANISATION", "ECONOMY", "EDUCATION_POLICY",
)
