"""Word lists for reading places in news text: location cues, common-word collisions, demonyms.

Why a module of its own: these are language data, reviewed and extended by people who read Arabic,
French and English news, separately from the matching code in :mod:`marsad.monitor.places`.
Every entry is written folded (lower case, no accents, Arabic letters folded as :func:`marsad.text.fold`).
"""

from __future__ import annotations

__all__ = ["ARABIC_COMMON", "CUE_WORDS", "STRONG_CUE_WORDS", "CUE_BIGRAMS", "LATIN_STOP", "WEAK_NAMES", "DEMONYMS", "NAME_TYPES", "ADMIN_TYPES"]

#: a word right before a name that makes it a place ("in Mosul", "à Alger", "في الموصل", "بمدينة الموصل")
CUE_WORDS = frozenset(
    # English
    "in near at outside around from into across of town city village province district governorate region "
    "capital suburb suburbs outskirts neighbourhood neighborhood area hamlet "
    # French
    "a dans pres vers depuis au aux en ville localite commune village province region prefecture wilaya "
    "departement cercle quartier faubourg banlieue chef-lieu "
    # Arabic (folded)
    "في قرب بالقرب من الي نحو مدينه بمدينه لمدينه ومدينه بلده ببلده قريه بقريه محافظه بمحافظه لمحافظه ولايه "
    "بولايه منطقه بمنطقه حي بحي ناحيه بناحيه قضاء بقضاء مديريه بمديريه اقليم باقليم وسط بوسط ضواحي بضواحي "
    "اطراف باطراف مركز بمركز شمال جنوب شرق غرب شمالي جنوبي شرقي غربي بلديه ببلديه مخيم بمخيم عاصمه".split()
)

#: the cue words that name a kind of place or a nearness ("بمدينة", "village", "près"): enough for a name that
#: is also a common word
STRONG_CUE_WORDS = frozenset(
    "near outside town city village province district governorate suburb suburbs outskirts neighbourhood "
    "neighborhood hamlet pres ville localite commune village province prefecture wilaya departement cercle "
    "quartier faubourg banlieue قرب بالقرب مدينه بمدينه لمدينه ومدينه بلده ببلده قريه بقريه محافظه بمحافظه "
    "لمحافظه ولايه بولايه منطقه بمنطقه حي بحي ناحيه بناحيه قضاء بقضاء مديريه بمديريه اقليم باقليم ضواحي "
    "بضواحي اطراف باطراف بلديه ببلديه مخيم بمخيم".split()
)

#: two words before a name that make it a place
CUE_BIGRAMS = frozenset([
    "city of", "town of", "village of", "province of", "outskirts of", "district of", "north of", "south of",
    "east of", "west of", "pres de", "ville de", "region de", "province de", "localite de", "commune de",
    "nord de", "sud de", "est de", "ouest de", "au nord", "au sud", "a l", "dans la", "dans le",
])

#: folded Latin name forms that are common English/French words and never taken as places
LATIN_STOP = frozenset(
    "and car par the for but not was are has had his her its our one two six ten man men may can see say "
    "said son sun bar bat bet big low new old top end way war law day art arm ask bad bus cut eat far fat "
    "few fly get god gun hit hot let lie lot mad mix net now off oil out own pay put red run set sit tie "
    "use van win yes you all any boy due ear era dar les des une sur sous avec pour mais plus pas que qui "
    "est ont ete son ses aux nous vous ils elle lui leur par mer sel bal fin mai mars juin nord sud ouest "
    "police army security military forces attack bomb blast gunmen people city town village province state "
    "district capital centre center north south east west central union victoria hope mercy unity liberty "
    "justice progress independence freedom concord harmony paradise eden zion bethel salem mission march "
    "april june july august may monday friday sunday saturday tuesday wednesday thursday "
    "armee attaque police etat ville region centre nord est ouest sud gendarmerie "
    # short function words of French, English and transliterated Arabic, never places on their own
    "un le la de du el al il et ou en in on at as an of to by is it au ad ar ash".split()
) - {"chad?"}

#: folded name forms too common as words to count without a location cue (Arabic and Latin)
WEAK_NAMES = frozenset(
    "خميس جمعه سبت احد اثنين ثلاثاء اربعاء مدينه عين نور سلام امن شرطه جيش دوله حكومه عام يوم وطن نصر حريه "
    "وحده شمال جنوب شرق غرب وسط عاصمه قصر بيت جبل بحر مركز ساحل صحراء جزيره سوق قريه منطقه محافظه ولايه "
    "عراق قاعده حوثي شباب امير ملك عيد فجر صباح مساء ليل نهار اول ثاني ثالث كبير صغير جديد قديم ابيض احمر "
    "اسود اخضر رمادي غربي شرقي شمالي جنوبي حمام مطار ميناء جامعه مسجد مستشفي سجن معسكر قاعده ثكنه حاجز "
    "nice mobile split bath reading kent york jersey derby bristol orange sale gap mons ham hull cork drama".split()
)

#: Arabic words that are also gazetteer names ("صعيد" level / As Sa'id, "رصد" monitoring / Rasad): found by
#: matching the gazetteer over the tokens of the NewsFANE corpus (CC BY-SA 3.0) that it tags as no entity;
#: like :data:`WEAK_NAMES` they count as places only after a location cue
ARABIC_COMMON = frozenset((
    "كان مدينه احد دوله حول حكومه جنوب بلاد دور سنه جديد وقف جديده عبر شمال اسلاميه سوق زياره بيان اشهر "
    "اطار سلطات بيره وجه راس بلد يوميا صوره سلاله مايه حارس مصدر دوري كشف ثوره علم زعيم شوط جمعه امل "
    "اشاره خميس كيف مالي سوف خمس جنيه طويله بيرا حصار جنه هويه سحب وان بني صعيد عين خبراء جمال عاليه صور "
    "فصايل قايم لاول طراز مرات بلا باب نجد الام ساحل باي حضر حديثه شفت سمي تحالف صيف الحد رقه نظير خرج "
    "هجره ليل طرف شقيق ملكه سيما يشير قصير سلوك عماره سيده كسب قصور حمراء طبقه سحر صدد زاويه نجمه بحري "
    "دخان عبور دورا ايزال امان كريمه اباده جناح نادره جليل تبني قاره كردي ميدان رصد بشري رالي حصن بركان "
    "برج حاضر شهداء كاف قنوات الحي غات سلميه قوم عقبه غريبه معسكر سحاب دانا مهره سوداء علا حجه سعيده "
    "فوجي نعمه فندق صربيه كانو جوهر تيره عريقه ميمنه كيان ميل اصنام بيض عريشه روضه محلات قيره قبه الم "
    "قيصريه نقاب فحص ميادين خراب عيون ضمير قطن لحيه تشيلي مباركه اتي افران ينقل ثغره حكما برقيه فدا "
    "كرامه حصون الصف كورونا نايف "
).split())

#: words naming the kind of a place after its name ("Gizab district", "Zabul province")
NAME_TYPES = (
    "district", "province", "city", "town", "village", "area", "region", "governorate", "state", "county",
    "municipality", "neighborhood", "neighbourhood", "department", "division", "prefecture", "commune",
    "subdistrict", "sub-district", "camp", "township", "locality", "emirate", "wilaya", "oblast",
)
#: of those, the ones naming a first-level division
ADMIN_TYPES = frozenset({"province", "region", "governorate", "state", "department", "prefecture", "wilaya", "oblast", "emirate"})


def _arabic(base: str) -> list[str]:
    """Masculine, feminine, plural forms of an Arabic nisba adjective (folded)."""
    return [base, base + "ه", base + "ون", base + "ين"]


def _latin(*forms: str) -> list[str]:
    return list(forms)


#: country code → demonym forms in three languages (weak evidence of the country)
DEMONYMS: dict[str, list[str]] = {
    "IQ": _arabic("عراقي") + _latin("iraqi", "iraqis", "irakien", "irakienne", "irakiens", "irakiennes"),
    "SY": _arabic("سوري") + _latin("syrian", "syrians", "syrien", "syrienne", "syriens", "syriennes"),
    "EG": _arabic("مصري") + _latin("egyptian", "egyptians", "egyptien", "egyptienne", "egyptiens"),
    "YE": _arabic("يمني") + _latin("yemeni", "yemenis", "yemenite", "yemenites"),
    "LY": _arabic("ليبي") + _latin("libyan", "libyans", "libyen", "libyenne", "libyens"),
    "TN": _arabic("تونسي") + _latin("tunisian", "tunisians", "tunisien", "tunisienne", "tunisiens"),
    "DZ": _arabic("جزائري") + _latin("algerian", "algerians", "algerien", "algerienne", "algeriens"),
    "MA": _arabic("مغربي") + _latin("moroccan", "moroccans", "marocain", "marocaine", "marocains"),
    "MR": _arabic("موريتاني") + _latin("mauritanian", "mauritanien", "mauritanienne", "mauritaniens"),
    "SA": _arabic("سعودي") + _latin("saudi", "saudis", "saoudien", "saoudienne", "saoudiens"),
    "JO": _arabic("اردني") + _latin("jordanian", "jordanians", "jordanien", "jordanienne", "jordaniens"),
    "LB": _arabic("لبناني") + _latin("lebanese", "libanais", "libanaise"),
    "PS": _arabic("فلسطيني") + _latin("palestinian", "palestinians", "palestinien", "palestinienne", "palestiniens"),
    "SO": _arabic("صومالي") + _latin("somali", "somalis", "somalien", "somalienne", "somaliens"),
    "SD": _arabic("سوداني") + _latin("sudanese", "soudanais", "soudanaise"),
    "KW": _arabic("كويتي") + _latin("kuwaiti", "kuwaitis", "koweitien", "koweitienne"),
    "BH": _arabic("بحريني") + _latin("bahraini", "bahrainis", "bahreini", "bahreinie"),
    "QA": _arabic("قطري") + _latin("qatari", "qataris", "qatari", "qatarie"),
    "AE": _arabic("اماراتي") + _latin("emirati", "emiratis", "emirien", "emirienne"),
    "OM": _arabic("عماني") + _latin("omani", "omanis", "omanais", "omanaise"),
    "DJ": _arabic("جيبوتي") + _latin("djiboutian", "djiboutien", "djiboutienne"),
    "KM": _latin("comorian", "comorien", "comorienne"),
    "AF": _arabic("افغاني") + _latin("afghan", "afghans", "afghane", "afghanes"),
    "PK": _arabic("باكستاني") + _latin("pakistani", "pakistanis", "pakistanais", "pakistanaise"),
    "IR": _arabic("ايراني") + _latin("iranian", "iranians", "iranien", "iranienne", "iraniens"),
    "TR": _arabic("تركي") + _latin("turkish", "turc", "turque", "turcs"),
    "NG": _arabic("نيجيري") + _latin("nigerian", "nigerians", "nigerian", "nigeriane", "nigerians"),
    "ML": _latin("malian", "malians", "malien", "malienne", "maliens"),
    "BF": _latin("burkinabe", "burkinabes"),
    "NE": _latin("nigerien", "nigerienne", "nigeriens"),
    "TD": _arabic("تشادي") + _latin("chadian", "chadians", "tchadien", "tchadienne", "tchadiens"),
    "CM": _latin("cameroonian", "cameroonians", "camerounais", "camerounaise"),
    "KE": _latin("kenyan", "kenyans", "kenyan", "kenyane"),
    "IL": _arabic("اسرائيلي") + _latin("israeli", "israelis", "israelien", "israelienne", "israeliens"),
    "IN": _arabic("هندي") + _latin("indian"),
    "BD": _latin("bangladeshi", "bangladeshis", "bangladais"),
    "FR": _arabic("فرنسي") + _latin("french", "francais", "francaise"),
    "US": _arabic("امريكي") + _latin("american", "americans", "americain", "americaine", "americains"),
}
