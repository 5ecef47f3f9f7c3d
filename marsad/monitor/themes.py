"""Themes of a report (``marsad.model.vocab.THEMES``): lexicon rules in Arabic, English and French.

Why rules and not a model: there is no labelled data for these themes, analysts must be able to read why
a theme fired, and the themes are defined by a handful of terms ("crypto", "عملات مشفرة", "cryptomonnaie").
A theme fires when every term group of one of its rules is mentioned within WINDOW words of each other
(e.g. a CHILD word near a RECRUIT word for "child-recruitment"). Matching reuses the concept matcher of
:mod:`marsad.monitor.features` (folding, Arabic clitics, prefixes, phrases).
"""

from __future__ import annotations

from functools import lru_cache
from itertools import compress

from marsad.model.vocab import THEMES
from marsad.monitor.features import ConceptMatcher, Features, fold_tokens, use_extra_matcher

__all__ = ["THEME_TERMS", "THEME_RULES", "WINDOW", "find_themes", "themes_from_features", "themes_from_tokens"]

#: how many words apart the term groups of one rule may be
WINDOW = 30

THEME_TERMS: dict[str, dict[str, str]] = {
    "DRONE": {
        "en": "drone|uav=|uavs=|uas=|unmanned aerial|unmanned aircraft|quadcopter|counter-drone",
        "fr": "drone|aeronef sans pilote|quadricoptere|anti-drone",
        "ar": "طائرة مسيرة|طائرات مسيرة|طائرة بدون طيار|طائرات بدون طيار|بدون طيار|المسيرات|مسيرات|درون|درونز",
    },
    "CRYPTO": {
        "en": "crypto|bitcoin|virtual currenc|digital currenc|virtual asset|blockchain|monero|tether|stablecoin",
        "fr": "crypto|bitcoin|monnaie virtuelle|monnaies virtuelles|actifs virtuels|monnaie numerique|blockchain",
        "ar": "عملات مشفرة|العملات المشفرة|عملة مشفرة|العملات الرقمية|عملات رقمية|عملات افتراضية|العملات الافتراضية|"
              "بيتكوين|البيتكوين|الأصول الافتراضية|بلوكتشين",
    },
    "FINANCE": {
        "en": "financ|fund|donation|transfer|money|wallet",
        "fr": "financ|fonds|don=|dons=|transfert|argent|portefeuille",
        "ar": "تمويل|أموال|اموال|تبرعات|تحويل|محفظة|محافظ",
    },
    "CHILD": {
        "en": "child|children|minor=|minors|pupils|schoolchildren|boys|girls|teenager|adolescent|under-age|underage|juvenile|youth",
        "fr": "enfant|mineur|adolescent|eleves|ecoliers|jeunes garcons|jeunes filles",
        "ar": "أطفال|اطفال|طفل|الأطفال|تلاميذ|التلاميذ|طلاب المدارس|الطلاب|قاصر|القاصرين|قصر=|أحداث|الأحداث|مراهق|صبية|فتيان",
    },
    "RECRUIT": {
        "en": "recruit|enlist|conscript|child soldier|indoctrinat|used as suicide",
        "fr": "recrut|enrol|enfant soldat|enfants soldats|endoctrin",
        "ar": "تجنيد|جند|يجند|استقطاب|غسيل أدمغة|الأطفال المجندين|تعبئة",
    },
    "FOREIGN_FIGHTER": {
        "en": "foreign fighter|foreign terrorist fighter|ftf=|ftfs=|jihadists returning|returnees",
        "fr": "combattants etrangers|combattant etranger|combattants terroristes etrangers|revenants|"
              "djihadistes de retour",
        "ar": "المقاتلين الأجانب|المقاتلون الأجانب|مقاتلين أجانب|مقاتلون أجانب|المقاتلين الإرهابيين الأجانب|"
              "العائدين من بؤر التوتر|العائدون من بؤر التوتر",
    },
    "RETURN": {
        "en": "return|repatriat|came back|coming back|reintegrat",
        "fr": "retour|rapatri|revenus|reintegr|revenant",
        "ar": "عودة|العائدين|العائدون|عائدين|إعادة|اعادة|ترحيل|استعادة|إدماج",
    },
    "INFRASTRUCTURE": {
        "en": "critical infrastructure|power plant|power station|power grid|electricity grid|pipeline|refinery|"
              "oil field|oilfield|gas field|water treatment|desalination|dam=|nuclear plant|substation|"
              "port facilit|telecommunication|pylon|power line|oil facilit|energy facilit",
        "fr": "infrastructures critiques|infrastructure critique|infrastructures vitales|centrale|reseau electrique|"
              "oleoduc|gazoduc|raffinerie|champ petrolier|station de dessalement|barrage hydro|pylone|"
              "ligne electrique|installations petrolieres|installations energetiques",
        "ar": "البنية التحتية الحيوية|البنى التحتية الحيوية|المنشآت الحيوية|منشآت حيوية|المنشآت النفطية|"
              "منشأة نفطية|محطة كهرباء|محطة توليد|خط أنابيب|أنابيب النفط|أنابيب الغاز|مصفاة|حقل نفط|حقول النفط|"
              "محطة تحلية|أبراج الكهرباء|شبكة الكهرباء|الشبكة الكهربائية|سد=",
    },
    "SOFT_TARGET": {
        "en": "soft target|crowded place|public space|public places|shopping centre|shopping center|mall|market|"
              "concert|stadium|festival|wedding|hotel|restaurant|cafe|nightclub|beach|tourist|school|"
              "church|mosque|worshippers|bus station|pilgrims|crowd",
        "fr": "cibles vulnerables|cible vulnerable|cibles faciles|lieux publics|espaces publics|lieux de culte|"
              "centre commercial|marche|concert|stade|festival|mariage|hotel|restaurant|cafe|discotheque|plage|"
              "touriste|ecole|eglise|mosquee|fideles|gare routiere|pelerins|foule",
        "ar": "الأهداف السهلة|أهداف سهلة|الأهداف الرخوة|أهداف رخوة|الأماكن العامة|أماكن مزدحمة|الأماكن المزدحمة|"
              "دور العبادة|مركز تجاري|سوق|أسواق|حفل|ملعب|مهرجان|زفاف|فندق|مطعم|مقهى|شاطئ|سياح|مدرسة|كنيسة|"
              "مسجد|المصلين|محطة حافلات|حجاج|حشد",
    },
    "ATTACK": {
        "en": "attack|bomb|explo|shoot|gunmen|killed|stabb|rammed|suicide|massacre|plot",
        "fr": "attaqu|attentat|bombe|explos|fusillade|tue|tues|poignard|kamikaze|massacre|projet d attentat",
        "ar": "هجوم|هجمات|تفجير|انفجار|إطلاق النار|مسلحون|مقتل|قتل|طعن|دهس|انتحاري|مجزرة|مخطط",
    },
    "ONLINE": {
        "en": "online|internet|social media|social network|telegram|twitter|facebook|tiktok|youtube|website|"
              "encrypted app|messaging app|cyber|virtual",
        "fr": "en ligne|internet|reseaux sociaux|reseau social|telegram|twitter|facebook|tiktok|youtube|site web|"
              "messagerie|cyber|virtuel",
        "ar": "الإنترنت|الانترنت|الإنترنت|عبر الإنترنت|مواقع التواصل|وسائل التواصل|التواصل الاجتماعي|تيليغرام|تلغرام|"
              "تويتر|فيسبوك|تيك توك|يوتيوب|موقع إلكتروني|المواقع الإلكترونية|الفضاء الإلكتروني|إلكتروني|افتراضي",
    },
    "PROPAGANDA": {
        "en": "propaganda|recruitment video|extremist content|radicalis|radicaliz|incitement|disinformation|"
              "narrative|jihadist content|terrorist content|messaging|publications",
        "fr": "propagande|contenu extremiste|contenus terroristes|radicalis|incitation|discours de haine|"
              "desinformation|apologie du terrorisme",
        "ar": "دعاية|الدعاية|الترويج|التحريض|تحريض|الخطاب المتطرف|المحتوى المتطرف|محتوى إرهابي|التطرف|الاستقطاب|"
              "نشر الفكر|الفكر المتطرف|إصدارات",
    },
    "ORGANISED_CRIME": {
        "en": "organised crime|organized crime|drug trafficking|narco|smuggling|smuggler|trafficking|cartel|"
              "money laundering|arms trafficking|criminal network|gangs=|human trafficking|kidnap for ransom",
        "fr": "crime organise|criminalite organisee|trafic de drogue|narco|contrebande|trafiquant|trafic d armes|"
              "blanchiment|reseau criminel|traite des etres humains|cartel",
        "ar": "الجريمة المنظمة|الجريمة المنظّمة|تهريب|المهربين|مهربين|الاتجار بالمخدرات|تجارة المخدرات|المخدرات|"
              "غسل الأموال|غسيل الأموال|تبييض الأموال|الاتجار بالبشر|الاتجار بالأسلحة|تهريب الأسلحة|شبكات إجرامية|"
              "عصابات",
    },
    "TERROR": {
        "en": "terror|jihad|extremist|militant|insurgent|armed group|al-qaeda|qaeda|islamic state|isis=|isil=|"
              "daesh|boko haram|al-shabaab|shabaab|hezbollah|aqim",
        "fr": "terror|jihad|djihad|extremist|groupe arme|groupes armes|al-qaida|qaida|etat islamique|daech|"
              "boko haram|shebab|aqmi",
        "ar": "إرهاب|ارهاب|إرهابي|ارهابي|جهادي|متطرف|الجماعات المسلحة|جماعات مسلحة|القاعدة|داعش|الدولة الإسلامية|"
              "بوكو حرام|الشباب|حزب الله|تنظيم",
    },
    "BORDER": {
        "en": "border|frontier|cross-border|crossing point|border guard|boundary",
        "fr": "frontiere|frontalier|transfrontal|poste frontiere|garde-frontiere|gardes-frontieres",
        "ar": "الحدود|حدود|الحدودي|حدودي|الحدودية|حدودية|المعابر|معبر|منفذ حدودي|حرس الحدود|عابرة للحدود",
    },
}

#: theme name → rules; a rule is a tuple of term groups that must all be mentioned within WINDOW words
THEME_RULES: dict[str, tuple[tuple[str, ...], ...]] = {
    "drones": (("DRONE",),),
    "crypto-financing": (("CRYPTO", "FINANCE"), ("CRYPTO", "TERROR")),
    "child-recruitment": (("CHILD", "RECRUIT"),),
    "returning-foreign-fighters": (("FOREIGN_FIGHTER",),),
    "critical-infrastructure": (("INFRASTRUCTURE",),),
    "soft-targets": (("SOFT_TARGET", "ATTACK"),),
    "online-propaganda": (("ONLINE", "PROPAGANDA"), ("ONLINE", "TERROR", "RECRUIT")),
    "terror-crime-nexus": (("ORGANISED_CRIME", "TERROR"),),
    "borders": (("BORDER", "TERROR"), ("BORDER", "ATTACK"), ("BORDER", "ORGANISED_CRIME")),
}


@lru_cache(maxsize=4)
def _matcher(lang: str) -> ConceptMatcher:
    langs = (lang,) if lang in ("ar", "en", "fr") else ("ar", "en", "fr")
    return ConceptMatcher(THEME_TERMS, langs)


# featurise records each token's entry in this lexicon too, while the token is in the CPU's caches
use_extra_matcher(_matcher)

#: the first term group of every rule: a rule holds only when its first group is mentioned
_FIRST_GROUPS = frozenset(rule[0] for rules in THEME_RULES.values() for rule in rules)


@lru_cache(maxsize=4)
def _first_group_ids(lang: str) -> frozenset[int]:
    return frozenset(cid for cid, name in enumerate(_matcher(lang).concepts) if name in _FIRST_GROUPS)


def _rule_holds(groups: tuple[str, ...], positions: dict[str, list[int]]) -> bool:
    """Whether a mention of the rule's first group has a mention of every other group within WINDOW words
    (plain loops: nested generators cost more than the few comparisons they make)."""
    for group in groups:
        if group not in positions:
            return False
    if len(groups) == 1:
        return True
    others = [positions[g] for g in groups[1:]]
    for p in positions[groups[0]]:
        for qs in others:
            for q in qs:
                if -WINDOW <= p - q <= WINDOW:
                    break
            else:
                break  # no mention of this group near p
        else:
            return True
    return False


def themes_from_tokens(toks: list[str], lang: str, entries: list | None = None) -> list[str]:
    """Themes (vocabulary order) of a report given as folded tokens (``entries``: the tokens' entries in this
    language's matcher, when featurise recorded them)."""
    matcher = _matcher(lang)
    if entries is None:
        # most reports mention none of the rules' first groups (drones, borders, children…): no theme, and
        # one cheap pass over the tokens says so without matching every term
        if not matcher.may_mention(toks, _first_group_ids(lang)):
            return []
    elif not matcher.may_mention(compress(toks, entries), _first_group_ids(lang)):
        return []  # the same question, asked of the few tokens that start a term
    positions: dict[str, list[int]] = {}
    for pos, cid in matcher.find(toks, entries):
        positions.setdefault(matcher.concepts[cid], []).append(pos)
    if not positions:
        return []
    found = []
    for name in THEMES.names:
        for rule in THEME_RULES[name]:
            if _rule_holds(rule, positions):
                found.append(name)
                break
    return found


def themes_from_features(feats: Features, lang: str) -> list[str]:
    """Themes of a featurised report: :func:`themes_from_tokens`, with the entries featurise recorded for
    ``lang`` when it did (no second hash probe per token)."""
    entries = feats.extra_entries if feats.extra_matcher is _matcher(lang) else None
    return themes_from_tokens(feats.tokens, lang, entries)


def find_themes(text: str, lang: str = "other", title: str | None = None) -> list[str]:
    """Themes of a report in ``lang`` ("ar", "en", "fr"; anything else uses all three lexicons)."""
    toks = (fold_tokens(title) if title else []) + fold_tokens(text or "")
    return themes_from_tokens(toks, lang)
