"""The place reader on sentences written for these tests, in Arabic, French and English."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marsad.model.gazetteer import load_gazetteer
from marsad.monitor.places import PlaceResult, _capitalised_tokens, _lookup, find_places
from marsad.text import fold


@pytest.mark.parametrize("text,lang,country,city", [
    ("انفجار سيارة مفخخة في بغداد", "ar", "IQ", "Baghdad"),
    ("قتل ثلاثة جنود بكركوك صباح اليوم", "ar", "IQ", "Kirkuk"),
    ("هجوم بقذائف الهاون وسط الموصل شمال العراق", "ar", "IQ", "Mosul"),
    ("تبنت حركة الشباب هجوما على فندق في مقديشو", "ar", "SO", "Mogadishu"),
    ("Un attentat à Mopti, au centre du Mali, a fait trois morts", "fr", "ML", "Mopti"),
    ("Deux policiers ont été tués à Alger par des hommes armés", "fr", "DZ", "Algiers"),
    ("gunmen attacked a checkpoint near Arish in North Sinai", "en", "EG", "Arish"),
    ("A car bomb exploded at a market in Maiduguri, Borno, Nigeria.", "en", "NG", "Maiduguri"),
])
def test_city_and_country(text, lang, country, city):
    found = find_places(text, lang)
    assert (found.country, found.city) == (country, city)
    assert found.latitude is not None and found.longitude is not None
    assert 0 < found.confidence <= 1 and found.evidence


@pytest.mark.parametrize("text,lang,country", [
    ("مقتل جنديين في هجوم في العراق", "ar", "IQ"),
    ("Des soldats ont été tués au Mali", "fr", "ML"),
    ("Soldiers were killed in Iraq", "en", "IQ"),
])
def test_country_only_mentions_give_the_country(text, lang, country):
    found = find_places(text, lang)
    assert found.country == country and found.city is None


def test_chain_keeps_an_unknown_village_and_the_province():
    found = find_places("Assailants opened fire on a patrol in Qaryat Zzyzx, Logar, Afghanistan.", "en")
    assert (found.country, found.admin1, found.city) == ("AF", "Logar", "Qaryat Zzyzx")


def test_chain_skips_a_neighbourhood():
    found = find_places("A bomb exploded in Rimal neighborhood, Gaza City, Palestine.", "en")
    assert found.country == "PS" and found.city == "Gaza City"


def test_arabic_admin1_name():
    found = find_places("اشتباكات في محافظة ديالى", "ar")
    assert found.country == "IQ" and found.admin1 == "Diyala"


def test_common_words_are_not_places():
    assert find_places("and car par police said the man", "en").country is None
    assert find_places("قال مصدر أمني يوم الخميس إن الوضع هادئ", "ar").city is None


def test_arabic_common_word_needs_a_place_cue():
    assert find_places("ناقش المؤتمر التعاون في إطار الاستراتيجية العربية", "ar").city is None
    assert find_places("جائحة كورونا أثرت على الاقتصاد", "ar").country is None


def test_lower_case_english_word_is_not_a_place():
    assert find_places("the victims were taken to a nice hospital", "en").city is None


def test_context_prefers_the_named_country():
    # Tripoli is in Libya and Lebanon: the country named in the text decides
    assert find_places("اشتباكات في طرابلس شمال لبنان", "ar").country == "LB"
    assert find_places("اشتباكات عنيفة في طرابلس الليبية", "ar").country == "LY"


def test_hint_country_breaks_a_tie():
    assert find_places("clashes erupted in Tripoli overnight", "en", hint_country="lb").country == "LB"


def test_demonym_is_weak_country_evidence():
    found = find_places("Un soldat irakien a été blessé", "fr")
    assert found.country == "IQ" and found.confidence < 0.5


def test_empty_text():
    assert find_places("", "ar") == PlaceResult()
    assert find_places("   ", "en").country is None


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=200), st.sampled_from(["ar", "en", "fr"]))
def test_never_raises(text, lang):
    found = find_places(text, lang)
    assert found.country is None or len(found.country) == 2
    assert 0.0 <= found.confidence <= 1.0


@pytest.mark.parametrize("text,country,admin1", [
    ("KABUL, Afghanistan (Jan. 25, 2013)\nDuring a security operation in Andar district, Ghazni province, "
     "yesterday, an Afghan and coalition force killed a Taliban leader.", "AF", "Ghazni"),
    ("BAGHDAD (Reuters) - A car bomb exploded at a market in Baqubah, the capital of Diyala province, "
     "killing five people.", "IQ", "Diyala"),
    ("بغداد - قتل ثلاثة جنود في هجوم بعبوة ناسفة بمحافظة ديالى.", "IQ", "Diyala"),
])
def test_incident_place_beats_dateline(text, country, admin1):
    place = find_places(text, "ar" if text[0] > "z" else "en")
    assert place.country == country and place.admin1 == admin1


def test_dateline_kept_when_sentences_name_no_place():
    text = "KABUL, Afghanistan (AP) — A suicide bomber struck a crowd of worshippers on Friday, officials said."
    place = find_places(text, "en")
    assert place.country == "AF" and place.city is not None and place.city.lower() == "kabul"


def test_dateline_country_breaks_ties():
    text = ("KABUL, Afghanistan (March 24, 2011) An Afghan and coalition security force targeted an Islamic "
            "Movement of Uzbekistan leader in Samangan province today.")
    assert find_places(text, "en").country == "AF"


@pytest.mark.parametrize("text,lang", [
    ("A car bomb exploded in a market in Tal Afar on Sunday, Iraqi police said.", "en"),
    ("Un kamikaze s'est fait exploser dans un marché de Tal Afar, dans le nord de l'Irak.", "fr"),
    ("فجر انتحاري نفسه في سوق بمدينة تلعفر شمال العراق.", "ar"),
])
def test_a_many_word_name_beats_its_tail(text, lang):
    """"Tal Afar" is the Iraqi town, not Afar region of Ethiopia ("afar" is only its last word)."""
    found = find_places(text, lang)
    assert found.country == "IQ" and found.admin1 == "Nineveh"


@pytest.mark.parametrize("text,lang", [
    ("Un kamikaze s'est fait exploser dimanche devant une mosquée, tuant six personnes.", "fr"),
    ("Une bombe a explosé au passage d'une patrouille. Le bilan est de deux morts.", "fr"),
    ("Al Qaeda claimed the attack. Un named gunmen fired on a bus.", "en"),
])
def test_short_function_words_are_not_places(text, lang):
    found = find_places(text, lang)
    assert found.city is None and found.country != "IN"


@pytest.mark.parametrize("text,lang", [
    ("Les assaillants ont attaqué un poste de police à Gao, tuant trois policiers.", "fr"),
    ("Gunmen attacked a police post in Gao on Tuesday.", "en"),
    ("هاجم مسلحون مركزا للشرطة في مدينة غاو.", "ar"),
])
def test_a_place_named_so_beats_a_larger_place_with_that_alternate_name(text, lang):
    """"Gao" is the town in Mali, not an alternate name of Guantanamo (Cuba), however large."""
    assert find_places(text, lang).country == "ML"


@pytest.mark.parametrize("text,lang", [
    ("A bomb exploded near a mosque in Tripoli, the main city of northern Lebanon, killing two people.", "en"),
    ("Une bombe a explosé près d'une mosquée à Tripoli, dans le nord du Liban.", "fr"),
    ("انفجرت قنبلة قرب مسجد في طرابلس شمال لبنان.", "ar"),
])
def test_an_ambiguous_city_is_in_the_country_the_text_names(text, lang):
    """Tripoli of Lebanon, not of Libya, when Lebanon is named ("northern Lebanon": the country inside)."""
    found = find_places(text, lang)
    assert (found.country, found.city) == ("LB", "Tripoli")


def test_all_caps_wire_copy_ignores_plain_words_that_are_also_towns():
    # ALL CAPS: "NORMAL" and "ENTERPRISE" (towns in the United States) are plain words here
    text = ("A BOMB EXPLODED TODAY NEAR A POLICE STATION IN SAN MIGUEL, EL SALVADOR. THE ARMY SAID THE ATTACK "
            "WAS NORMAL FOR THE SEASON AND THAT PRIVATE ENTERPRISE WAS NOT HARMED.")
    assert find_places(text, "en").country == "SV"


def test_a_country_named_again_and_again_does_not_outweigh_the_place():
    text = ("Gunmen attacked a bank in Lima on Monday. The U.S. embassy said U.S. citizens were safe after the "
            "attack.")
    assert find_places(text, "en").country == "PE"


def test_all_caps_a_background_place_chain_gives_way_to_the_main_country():
    text = ("UNE BOMBE A EXPLOSE A BAMAKO DEVANT LA MAIRIE. LE MINISTRE, DE RETOUR DE PARIS, FRANCE, A PROMIS "
            "UNE ENQUETE. LA POLICE DU MALI A BOUCLE LE QUARTIER ET LE MALI A DECRETE UN DEUIL.")
    assert find_places(text, "fr").country == "ML"


def test_arabic_is_never_read_as_all_caps():
    assert find_places("انفجرت عبوة ناسفة في الموصل شمال العراق", "ar").country == "IQ"


@pytest.mark.parametrize(
    ("text", "lang", "country"),
    [
        ("LIMA, 15 JAN 90 (EFE) -- [TEXT] POLICE REPORTED THAT A BOMB EXPLODED IN FRONT OF A BANK TODAY. THE "
         "UNITED STATES GOVERNMENT CONDEMNED THE ATTACK.", "en", "PE"),
        ("BAMAKO, 3 MAR 24 -- UNE BOMBE A EXPLOSE PRES D'UN MARCHE. LA FRANCE A CONDAMNE L'ATTENTAT.", "fr", "ML"),
    ],
)
def test_all_caps_wire_dateline_breaks_ties(text, lang, country):
    assert find_places(text, lang).country == country


@given(st.lists(st.sampled_from(list("AaBÉéç '’-_.,\t0½ﬁ") + ["L'", "Al-"]), max_size=30).map("".join))
def test_capitalised_tokens_are_the_pieces_of_the_folded_capitalised_words(text):
    # the ASCII path splits without the regex; it must give the same pieces, "" included
    words = " ".join(set(re.findall(r"[A-ZÀ-ÖØ-Þ](?<!\w[A-ZÀ-ÖØ-Þ])[\w'’\-]*", text)))
    assert _capitalised_tokens(text) == set(re.split(r"\W+", words.lower() if words.isascii() else fold(words)))


@pytest.mark.parametrize("name", ["Baghdad", "Iraq", "Kabul", "Nineveh", "Gaza City", "Tripoli", "بغداد", "Nowhere"])
@pytest.mark.parametrize(("country", "kind"), [(None, None), (None, "country"), ("IQ", "city"), ("LY", "city"),
                                               ("IQ", "admin1"), ("AF", "city")])
def test_kept_lookups_answer_as_the_gazetteer(name, country, kind):
    """The chain reader's kept lookups (_lookup) give the gazetteer's places, in its order, asked once or again."""
    expected = tuple(load_gazetteer().lookup(name, country=country, kind=kind))
    assert _lookup(name, country, kind) == expected
    assert _lookup(name, country, kind) == expected
