"""Controlled vocabularies: the Global Terrorism Database codebook's attack, target and weapon types,
and Marsad's themes, each term with its GTD code (where GTD has one) and Arabic, English and French labels.

Why GTD: it is the reference codebook of the field, so records Marsad extracts or imports line up with
decades of history and with what analysts already know. The English ``name`` is GTD's exact text and is
the value stored and exchanged; labels are for people.
"""

from __future__ import annotations

from dataclasses import dataclass

from marsad.errors import InputError

__all__ = [
    "Term",
    "Vocabulary",
    "ATTACK_TYPES",
    "TARGET_TYPES",
    "WEAPON_TYPES",
    "THEMES",
    "VOCABULARIES",
    "LANGUAGES",
]

LANGUAGES = ("ar", "en", "fr")


@dataclass(frozen=True, slots=True)
class Term:
    """One vocabulary entry: ``name`` is the stored value (GTD's English text, or a theme's slug)."""

    code: int | None
    name: str
    ar: str
    en: str
    fr: str

    def label(self, lang: str) -> str:
        """The label in ``lang`` (ar, en, fr); English for anything else."""
        return getattr(self, lang) if lang in LANGUAGES else self.en


class Vocabulary:
    """An ordered, closed list of terms, looked up by name or GTD code."""

    def __init__(self, key: str, terms: list[Term]):
        self.key = key
        self.terms = tuple(terms)
        self._by_name = {t.name: t for t in self.terms}
        self._by_code = {t.code: t for t in self.terms if t.code is not None}

    def __iter__(self):
        return iter(self.terms)

    def __len__(self) -> int:
        return len(self.terms)

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.terms)

    def get(self, name: str) -> Term:
        """The term called ``name``; :class:`InputError` naming the vocabulary if there is none."""
        try:
            return self._by_name[name]
        except KeyError:
            raise InputError(f"{name!r} is not in the {self.key} vocabulary") from None

    def by_code(self, code: int) -> Term:
        try:
            return self._by_code[int(code)]
        except (KeyError, ValueError, TypeError):
            raise InputError(f"{code!r} is not a GTD code of the {self.key} vocabulary") from None

    def validate(self, names: list[str]) -> list[str]:
        """Return ``names`` unchanged if every one is a term, else raise naming the first stranger."""
        for name in names:
            self.get(name)
        return list(names)


ATTACK_TYPES = Vocabulary(
    "attack_types",
    [
        Term(1, "Assassination", "اغتيال", "Assassination", "Assassinat"),
        Term(2, "Armed Assault", "هجوم مسلح", "Armed Assault", "Attaque armée"),
        Term(3, "Bombing/Explosion", "تفجير", "Bombing/Explosion", "Attentat à l'explosif"),
        Term(4, "Hijacking", "اختطاف وسيلة نقل", "Hijacking", "Détournement"),
        Term(5, "Hostage Taking (Barricade Incident)", "احتجاز رهائن (تحصّن)", "Hostage Taking (Barricade Incident)",
             "Prise d'otages (retranchement)"),
        Term(6, "Hostage Taking (Kidnapping)", "خطف", "Hostage Taking (Kidnapping)", "Enlèvement"),
        Term(7, "Facility/Infrastructure Attack", "هجوم على منشأة أو بنية تحتية", "Facility/Infrastructure Attack",
             "Attaque contre une installation ou une infrastructure"),
        Term(8, "Unarmed Assault", "اعتداء غير مسلح", "Unarmed Assault", "Agression non armée"),
        Term(9, "Unknown", "غير معروف", "Unknown", "Inconnu"),
    ],
)

TARGET_TYPES = Vocabulary(
    "target_types",
    [
        Term(1, "Business", "منشآت تجارية", "Business", "Entreprises"),
        Term(2, "Government (General)", "جهات حكومية", "Government (General)", "Gouvernement (général)"),
        Term(3, "Police", "الشرطة", "Police", "Police"),
        Term(4, "Military", "عسكريون", "Military", "Militaires"),
        Term(5, "Abortion Related", "مرتبط بالإجهاض", "Abortion Related", "Lié à l'avortement"),
        Term(6, "Airports & Aircraft", "المطارات والطائرات", "Airports & Aircraft", "Aéroports et aéronefs"),
        Term(7, "Government (Diplomatic)", "بعثات دبلوماسية", "Government (Diplomatic)", "Gouvernement (diplomatique)"),
        Term(8, "Educational Institution", "مؤسسات تعليمية", "Educational Institution", "Établissement d'enseignement"),
        Term(9, "Food or Water Supply", "إمدادات الغذاء أو المياه", "Food or Water Supply",
             "Approvisionnement en nourriture ou en eau"),
        Term(10, "Journalists & Media", "الصحفيون ووسائل الإعلام", "Journalists & Media", "Journalistes et médias"),
        Term(11, "Maritime", "أهداف بحرية", "Maritime", "Maritime"),
        Term(12, "NGO", "منظمات غير حكومية", "NGO", "ONG"),
        Term(13, "Other", "أخرى", "Other", "Autre"),
        Term(14, "Private Citizens & Property", "مدنيون وممتلكات خاصة", "Private Citizens & Property",
             "Civils et biens privés"),
        Term(15, "Religious Figures/Institutions", "شخصيات ومؤسسات دينية", "Religious Figures/Institutions",
             "Personnalités et institutions religieuses"),
        Term(16, "Telecommunication", "الاتصالات", "Telecommunication", "Télécommunications"),
        Term(17, "Terrorists/Non-State Militia", "إرهابيون وميليشيات غير حكومية", "Terrorists/Non-State Militia",
             "Terroristes et milices non étatiques"),
        Term(18, "Tourists", "سياح", "Tourists", "Touristes"),
        Term(19, "Transportation", "النقل", "Transportation", "Transports"),
        Term(20, "Unknown", "غير معروف", "Unknown", "Inconnu"),
        Term(21, "Utilities", "المرافق العامة", "Utilities", "Services publics (eau, énergie)"),
        Term(22, "Violent Political Party", "حزب سياسي عنيف", "Violent Political Party", "Parti politique violent"),
    ],
)

WEAPON_TYPES = Vocabulary(
    "weapon_types",
    [
        Term(1, "Biological", "بيولوجي", "Biological", "Biologique"),
        Term(2, "Chemical", "كيميائي", "Chemical", "Chimique"),
        Term(3, "Radiological", "إشعاعي", "Radiological", "Radiologique"),
        Term(4, "Nuclear", "نووي", "Nuclear", "Nucléaire"),
        Term(5, "Firearms", "أسلحة نارية", "Firearms", "Armes à feu"),
        Term(6, "Explosives", "متفجرات", "Explosives", "Explosifs"),
        Term(7, "Fake Weapons", "أسلحة وهمية", "Fake Weapons", "Fausses armes"),
        Term(8, "Incendiary", "مواد حارقة", "Incendiary", "Incendiaire"),
        Term(9, "Melee", "أسلحة بيضاء", "Melee", "Armes blanches"),
        Term(10, "Vehicle (not to include vehicle-borne explosives, i.e., car or truck bombs)", "مركبة (دهس)",
             "Vehicle (not to include vehicle-borne explosives, i.e., car or truck bombs)",
             "Véhicule (hors véhicules piégés)"),
        Term(11, "Sabotage Equipment", "معدات تخريب", "Sabotage Equipment", "Matériel de sabotage"),
        Term(12, "Other", "أخرى", "Other", "Autre"),
        Term(13, "Unknown", "غير معروف", "Unknown", "Inconnu"),
    ],
)

THEMES = Vocabulary(
    "themes",
    [
        Term(None, "drones", "الطائرات المسيّرة", "Drones / UAS", "Drones"),
        Term(None, "crypto-financing", "التمويل بالعملات المشفّرة", "Crypto financing", "Financement par cryptoactifs"),
        Term(None, "child-recruitment", "تجنيد الأطفال", "Child recruitment", "Recrutement d'enfants"),
        Term(None, "returning-foreign-fighters", "المقاتلون الأجانب العائدون", "Returning foreign fighters",
             "Combattants étrangers de retour"),
        Term(None, "critical-infrastructure", "البنية التحتية الحيوية", "Critical infrastructure",
             "Infrastructures critiques"),
        Term(None, "soft-targets", "الأهداف السهلة", "Soft targets", "Cibles vulnérables"),
        Term(None, "online-propaganda", "الدعاية عبر الإنترنت", "Online propaganda", "Propagande en ligne"),
        Term(None, "terror-crime-nexus", "الترابط بين الإرهاب والجريمة المنظمة", "Terror–organised-crime nexus",
             "Lien terrorisme–criminalité organisée"),
        Term(None, "borders", "الحدود", "Borders", "Frontières"),
    ],
)

#: every vocabulary by its key (the property name it fills in the incident extension)
VOCABULARIES: dict[str, Vocabulary] = {v.key: v for v in (ATTACK_TYPES, TARGET_TYPES, WEAPON_TYPES, THEMES)}
