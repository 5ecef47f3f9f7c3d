"""Killed and wounded counts in Arabic, English and French reports (sentences written for these tests)."""

from __future__ import annotations

import pytest

from marsad.monitor.casualties import Casualties, find_casualties
from marsad.text import ARABIC_RE


@pytest.mark.parametrize(
    ("text", "killed", "wounded"),
    [
        ("The bombing killed five and wounded 12.", 5, 12),
        ("Gunmen opened fire on the bus, killing five and wounding 12 others.", 5, 12),
        ("3 people were killed in the attack on the market.", 3, 0),
        ("Two soldiers killed in ambush near the border.", 2, 0),
        ("Militants killed 10 civilians in the village overnight.", 10, 0),
        ("The death toll rose to 14 on Friday.", 14, 0),
        ("Between 10 and 15 people were killed, according to witnesses.", 10, 0),
        ("Gunmen killed two police officers and three civilians.", 5, 0),
        ("One civilian and six assailants were killed and three civilians and ten assailants were injured in "
         "the ensuing clash.", 7, 13),
        ("Two civilians were killed and a third was injured in the attack.", 2, 1),
        ("A police officer and a civilian were killed and two civilians were injured in the blast.", 2, 2),
        ("Four people, including three police officers, were killed in the incident.", 4, 0),
        ("The district police chief, a veteran officer, was killed in the blast.", 1, 0),
        ("Assailants shot and killed a teacher outside his home.", 1, 0),
        ("The attackers killed the driver and wounded two passengers.", 1, 2),
        ("Three gunmen killed 4 soldiers at the gate.", 4, 0),
        ("At least two people were injured in the blast.", 0, 2),
        ("A suicide bomber struck a market. In addition to the bomber, at least seven people were killed and "
         "20 others were injured in the blast.", 8, 20),
        ("Two policemen were killed in the ambush. A civilian was also killed.", 3, 0),
        ("The bomber blew himself up at the gate, killing three guards.", 4, 0),
        ("Five people were killed on Monday. The attack killed five civilians, officials said.", 5, 0),
        ("Security forces killed three of the assailants. At least one police officer was killed in the assault.",
         4, 0),
        ("Two assailants were killed. Two assailants and three soldiers were killed in the clash.", 5, 0),
        ("Two Indian peacekeepers and seven UN civilian workers were killed in the attack.", 9, 0),
        ("Assailants executed a civilian in the village.", 1, 0),
        ("There were no casualties.", 0, 0),
        ("No one was injured in the blast.", 0, 0),
        ("L'attaque a causé la mort de deux soldats.", 2, 0),
        ("Bilan : deux morts et cinq blessés.", 2, 5),
        ("Au moins 12 tués dans un attentat à Ouagadougou.", 12, 0),
        ("L'explosion a fait 3 victimes.", 3, 0),
        ("Des hommes armés ont tué cinq soldats et blessé trois civils.", 5, 3),
        ("Vingt-trois personnes ont été tuées et une dizaine blessées.", 23, 10),
        ("L'attentat n'a fait aucune victime.", 0, 0),
        ("مقتل خمسة وإصابة 12 في هجوم على حافلة", 5, 12),
        ("انفجار أسفر عن مقتل ثلاثة جنود وجرح آخرين", 3, None),
        ("استشهاد 4 مدنيين في قصف على قرية", 4, 0),
        ("سقوط 7 قتلى في تفجير انتحاري", 7, 0),
        ("لقي 3 أشخاص حتفهم في الهجوم", 3, 0),
        ("مقتل جنديين وإصابة ثلاثة آخرين", 2, 3),
        ("سقوط قتيلين وخمسة جرحى", 2, 5),
        ("مقتل جندي وإصابة شرطي في كمين", 1, 1),
        ("قتل 5 أشخاص وأصيب 10 آخرون بجروح", 5, 10),
        ("ارتفعت حصيلة القتلى إلى 14", 14, 0),
        ("أسفر الهجوم عن مقتل 25 شخصا وإصابة العشرات", 25, None),
        ("مقتل خمسة وعشرين شخصا في الهجوم", 25, 0),
        ("الهجوم لم يسفر عن إصابات", 0, 0),
        ("سقوط 12 شهيدا و30 جريحا في قصف على السوق", 12, 30),
        ("قتل مسلحان اثنان في اشتباك مع الشرطة", 2, 0),
        ("أودى الهجوم بحياة 5 أشخاص", 5, 0),
        ("Trois militaires ont été tués et deux autres blessés lors de l'embuscade.", 3, 2),
        ("Le bilan s'élève à 14 morts et 30 blessés.", 14, 30),
        ("Une attaque jihadiste a coûté la vie à sept soldats.", 7, 0),
        ("Au moins deux personnes ont péri dans l'explosion.", 2, 0),
        ("The blast left 3 dead and 10 injured.", 3, 10),
    ],
)
def test_counts(text, killed, wounded):
    result = find_casualties(text, _language(text))
    assert (result.killed, result.wounded) == (killed, wounded), result


def _language(text: str) -> str:
    if ARABIC_RE.search(text):
        return "ar"
    french = (" le ", " la ", " les ", " des ", " une ", " ont ", "bilan", "au moins", "l'")
    return "fr" if any(w in f" {text.lower()} " for w in french) else "en"


@pytest.mark.parametrize(
    "text",
    [
        "A bomb exploded near the ministry.",
        "Since 2009, more than 10,000 people have been killed in the conflict.",
        "Dozens were killed, witnesses said.",
        "The 25-year-old suspect was arrested at 5 pm, 3 km from the scene.",
        "انفجار قرب مبنى الوزارة",
        "",
    ],
)
def test_unknown_or_vague_is_none(text):
    result = find_casualties(text, _language(text))
    assert (result.killed, result.wounded) == (None, None)
    assert result == Casualties(None, None, ())


def test_evidence_names_the_sentences_used():
    text = "Police said the blast happened at noon. Three people were killed and four were injured."
    result = find_casualties(text, "en")
    assert result.evidence == ("three people were killed and four were injured.",)


def test_repeated_sentence_counts_once():
    sentence = "Two soldiers were killed in the ambush. "
    assert find_casualties(sentence * 3, "en").killed == 2


def test_figures_shared_by_several_attacks_are_divided():
    text = ("This was one of two coordinated attacks in the city. At least 10 people were killed and 6 were "
            "injured across both attacks.")
    assert (find_casualties(text, "en").killed, find_casualties(text, "en").wounded) == (5, 3)


def test_past_the_lead_only_an_updated_toll_is_read():
    lead = "Three people were killed in the blast at the market. "
    filler = "Officials met the governor to discuss security arrangements for the coming festival. " * 25
    assert find_casualties(lead + filler + "The death toll rose to 14 on Friday.", "en").killed == 14
    assert find_casualties(lead + filler + "In 2015 a bomb killed 40 people in the same market.", "en").killed == 3


@pytest.mark.parametrize("text,lang", [
    ("Gunmen assassinated the mayor of the town on Tuesday as he left his office.", "en"),
    ("Le maire de la ville a été assassiné mardi par des hommes armés.", "fr"),
    ("اغتال مسلحون رئيس بلدية المدينة أمس أثناء خروجه من مكتبه.", "ar"),
    ("اغتيل قاض بارز أمس برصاص مسلحين مجهولين.", "ar"),
])
def test_assassination_of_one_victim_is_one_killed_and_no_wounded(text, lang):
    found = find_casualties(text, lang)
    assert (found.killed, found.wounded) == (1, 0)


@pytest.mark.parametrize("text,lang", [
    ("The governor survived an assassination attempt on Tuesday.", "en"),
    ("Le ministre a échappé à une tentative d'assassinat lundi.", "fr"),
    ("نجا المحافظ من محاولة اغتيال أمس.", "ar"),
])
def test_failed_assassination_states_no_toll(text, lang):
    assert find_casualties(text, lang).killed in (None, 0)


def test_assassination_with_a_count_keeps_the_count():
    assert find_casualties("Gunmen assassinated two judges in the city.", "en").killed == 2


@pytest.mark.parametrize("text,lang,killed,wounded", [
    ("Gunmen shot dead Ahmad Khan in the bazaar on Monday; two of his guards were wounded.", "en", 1, 2),
    ("Unidentified gunmen killed tribal elder Haji Ahmad Khan near his home.", "en", 1, 0),
    ("Des hommes armés ont abattu le chef du village mardi.", "fr", 1, 0),
    ("Deux soldats ont été abattus mardi près du poste.", "fr", 2, 0),
    ("لقي مختار القرية حتفه برصاص مسلحين مجهولين.", "ar", 1, 0),
])
def test_single_named_victim_counts_one_and_the_other_figure_is_zero(text, lang, killed, wounded):
    found = find_casualties(text, lang)
    assert (found.killed, found.wounded) == (killed, wounded)


def test_a_name_after_a_count_is_not_a_second_victim():
    assert find_casualties("Gunmen killed two people in Kandahar City.", "en").killed == 2


@pytest.mark.parametrize("text", [
    "Forces detained two members of an assassination cell in the district yesterday.",
    "The detained man is suspected of planning the assassination of a district governor.",
    "He is responsible for the assassination of a district police chief in January.",
])
def test_background_assassination_is_no_toll(text):
    assert find_casualties(text, "en").killed in (None, 0)


@pytest.mark.parametrize("text,lang", [
    ("A suicide bomber blew himself up at a mosque on Friday, killing six people.", "en"),
    ("A suicide bomber killed six people at a mosque on Friday; the bomber also died.", "en"),
    ("A suicide bomber blew himself up near a checkpoint, killing six people and the bomber.", "en"),
    ("Six people were killed in addition to the bomber.", "en"),
    ("Un kamikaze s'est fait exploser devant une mosquée, tuant six personnes.", "fr"),
    ("Un kamikaze a tué six personnes devant une mosquée. Le kamikaze est également mort.", "fr"),
    ("Un kamikaze s'est fait exploser devant une mosquée, tuant six personnes et le kamikaze.", "fr"),
    ("فجر انتحاري نفسه أمام مسجد، مما أسفر عن مقتل ستة أشخاص.", "ar"),
    ("أسفر التفجير عن مقتل ستة أشخاص والانتحاري.", "ar"),
    ("قتل ستة أشخاص بالإضافة إلى الانتحاري في تفجير أمام مسجد.", "ar"),
])
def test_a_dead_suicide_bomber_is_counted_once_among_the_killed(text, lang):
    """GTD codebook: nkill counts every victim and attacker who died; six victims and the bomber are 7."""
    assert find_casualties(text, lang).killed == 7


@pytest.mark.parametrize("text,lang", [
    ("Six people, including the bomber, were killed.", "en"),
    ("Three people, including the police officer and the assailant, were killed in the attack.", "en"),
    ("Six personnes, dont le kamikaze, ont été tuées.", "fr"),
])
def test_a_bomber_counted_within_the_figure_is_not_added(text, lang):
    assert find_casualties(text, lang).killed in (6, 3)


def test_an_attacker_killed_by_the_guards_is_not_an_addition():
    text = "The explosives failed to detonate and the assailant was killed by security forces."
    assert find_casualties(text, "en").killed == 1


@pytest.mark.parametrize(
    ("text", "lang", "killed"),
    [
        ("Rebels raided a post near Gao. Five soldiers and at least one rebel were killed in the fighting.", "en", 6),
        ("Des rebelles ont attaqué un poste. Cinq soldats et au moins un assaillant ont été tués.", "fr", 6),
        ("هاجم مسلحون حاجزا للجيش. وقتل خمسة جنود وما لا يقل عن ثلاثة مهاجمين في الاشتباك.", "ar", 8),
    ],
)
def test_a_list_with_at_least_inside_is_summed(text, lang, killed):
    assert find_casualties(text, lang).killed == killed


def test_a_named_victim_and_attackers_killed_later_are_both_counted():
    text = ("Gunmen shot and killed Karim Haddad, the district judge, in Sousse. Two attackers were also killed "
            "when the police arrived.")
    assert find_casualties(text, "en").killed == 3


def test_him_after_a_killing_word_is_one_victim():
    assert find_casualties("A device went off near a kiosk, killing him and two women nearby.", "en").killed == 3
    assert find_casualties("Police said she was not with him when the bomb went off.", "en").killed is None


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Police found and defused an explosive device outside a bank in Sfax.", "en"),
        ("Gunmen seized three engineers near the port; they were freed unharmed two days later.", "en"),
        ("Un engin explosif a été désamorcé devant une banque à Sfax.", "fr"),
        ("Les trois ingénieurs enlevés ont été retrouvés sains et saufs.", "fr"),
        ("تمكنت قوات الأمن من تفكيك عبوة ناسفة قرب مدرسة في الموصل", "ar"),
        ("A bomb went off outside a bank in Sfax, damaging the facade.", "en"),
        ("Une bombe a explosé devant une banque, causant des dégâts matériels.", "fr"),
        ("انفجرت عبوة ناسفة قرب مصرف في بغداد وأسفرت عن أضرار مادية", "ar"),
    ],
)
def test_a_defused_device_or_damage_only_is_no_casualties(text, lang):
    found = find_casualties(text, lang)
    assert (found.killed, found.wounded) == (0, 0)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("A bomb exploded near the market; police defused a second device.", "en"),
        ("A car bomb exploded in a busy market, destroying shops; casualties are feared.", "en"),
        ("Une bombe a explosé devant la mairie, les secours sont sur place.", "fr"),
    ],
)
def test_no_stated_toll_stays_unknown(text, lang):
    found = find_casualties(text, lang)
    assert (found.killed, found.wounded) == (None, None)


@pytest.mark.parametrize(
    ("text", "lang", "killed", "wounded"),
    [
        ("Suicide bombers drove two trucks into a base. In addition to the bombers, at least 12 soldiers were "
         "killed.", "en", 14, 0),
        ("Three suicide bombers struck a market. In addition to the assailants, nine people were killed.", "en", 12, 0),
        ("A suicide bomber struck a checkpoint. In addition to the death of the assailant, two soldiers were "
         "injured.", "en", 1, 2),
        ("Three guards were stabbed to death at the gate of the depot.", "en", 3, 0),
        ("A suicide bomber set off his vest near a post. The bomber was the only casualty.", "en", 1, 0),
        ("A suicide bomber set off his vest near a post. There were no casualties other than the assailant.", "en",
         1, 0),
        ("Un kamikaze s'est fait exploser près d'un poste. Le kamikaze a été la seule victime.", "fr", 1, 0),
        ("فجر انتحاري نفسه قرب حاجز أمني دون وقوع إصابات أخرى", "ar", 1, 0),
    ],
)
def test_dead_attackers_told_apart_are_counted(text, lang, killed, wounded):
    found = find_casualties(text, lang)
    assert (found.killed, found.wounded) == (killed, wounded)


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        # injuries told, no death word: GTD's codebook codes 0 killed (blank only where deaths are evidenced)
        ("A police officer was shot in the leg outside the station in Kirkuk on Monday.", "en", (0, None)),
        ("Des dizaines de personnes ont été blessées.", "fr", (0, None)),
        ("أصيب عدد من المدنيين بجروح في هجوم على سوق المدينة", "ar", (0, None)),
        # an abduction with no death or injury word: 0 and 0
        ("Gunmen abducted three engineers near the port on Monday.", "en", (0, 0)),
        ("Des hommes armés ont enlevé deux ingénieurs près du port lundi.", "fr", (0, 0)),
        ("اختطف مسلحون ثلاثة مهندسين قرب الميناء يوم الاثنين", "ar", (0, 0)),
        # an attempt stopped by an arrest
        ("Police arrested a man trying to plant a bomb outside the court.", "en", (0, 0)),
        ("La police a interpellé un homme alors qu'il tentait de poser une bombe devant le tribunal.", "fr", (0, 0)),
        ("ألقت الشرطة القبض على رجل أثناء محاولته زرع عبوة ناسفة أمام المحكمة", "ar", (0, 0)),
        # a would-be attacker arrested with his device: a stopped attempt
        ("Police arrested a suicide bomber near the market.", "en", (0, 0)),
        ("La police a interpellé un kamikaze près du marché.", "fr", (0, 0)),
        ("ألقت الشرطة القبض على انتحاري قرب السوق", "ar", (0, 0)),
        # a failed attempt
        ("Two men attempted to plant a bomb on the railway line before fleeing.", "en", (0, 0)),
        ("Deux hommes ont tenté de poser une bombe sur la voie ferrée avant de prendre la fuite.", "fr", (0, 0)),
        ("حاول مسلحان زرع عبوة ناسفة على خط السكة الحديد قبل أن يلوذا بالفرار", "ar", (0, 0)),
        # the target unharmed
        ("The governor was unharmed when a bomb went off near his convoy.", "en", (0, 0)),
        ("Le gouverneur est sorti indemne de l'explosion qui a visé son convoi.", "fr", (0, 0)),
        ("انفجرت عبوة قرب موكب المحافظ ولم يصب بأذى", "ar", (0, 0)),
        # deaths told without a figure: killed stays unknown; no injury word, so 0 wounded
        ("Gunmen abducted three engineers near the port; their bodies were found on Friday.", "en", (None, 0)),
        ("Des hommes armés ont enlevé deux ingénieurs; leurs corps ont été retrouvés vendredi.", "fr", (None, 0)),
        ("اختطف مسلحون ثلاثة مهندسين وعثر على جثثهم لاحقا", "ar", (None, 0)),
        # an arrest alone is the perpetrator's fate, and a fear of casualties is no fate: both stay unknown
        ("The suspect was arrested at 5 pm, 3 km from the scene.", "en", (None, None)),
        ("A bomb exploded near the ministry; casualties are feared.", "en", (None, None)),
        ("Police arrested three suspects in connection with last week's bombing.", "en", (None, None)),
    ],
)
def test_a_fate_told_without_death_words_is_zero_killed(text, lang, expected):
    found = find_casualties(text, lang)
    assert (found.killed, found.wounded) == expected


@pytest.mark.parametrize(
    ("text", "lang", "killed"),
    [
        ("Two children of a police officer were killed when the device went off.", "en", 2),
        ("Deux enfants d'un policier ont été tués dans l'explosion.", "fr", 2),
        ("قتل طفلان لضابط شرطة في انفجار عبوة ناسفة", "ar", 2),
        # the death *of* someone is a count
        ("The army confirmed the death of a soldier in the ambush.", "en", 1),
        ("L'armée a confirmé la mort d'un soldat dans l'embuscade.", "fr", 1),
    ],
)
def test_a_person_named_as_owner_is_not_counted(text, lang, killed):
    assert find_casualties(text, lang).killed == killed


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("There were no reports of casualties in the attack.", "en"),
        ("The blast did not result in any casualties.", "en"),
        ("L'explosion n'a fait aucune victime.", "fr"),
        ("L'engin a explosé sans faire de victime.", "fr"),
        ("لم يسفر الانفجار عن وقوع إصابات", "ar"),
    ],
)
def test_no_casualties_said_otherwise_is_zero(text, lang):
    found = find_casualties(text, lang)
    assert (found.killed, found.wounded) == (0, 0)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Gunmen shot and killed a former district commander outside his home in Ghazni.", "en"),
        ("Des hommes armés ont abattu un ancien commandant de district devant son domicile.", "fr"),
        ("أردى مسلحون ضابطاً سابقاً قتيلاً أمام منزله في الموصل", "ar"),
    ],
)
def test_one_victim_in_the_singular_is_one_killed(text, lang):
    assert find_casualties(text, lang).killed == 1
