"""Tolls a news report tells without a count: the few statements that fix killed/wounded by themselves.

Why a module of its own: :mod:`marsad.monitor.casualties` reads counted figures ("three soldiers were
killed"); these readers answer the cases where no figure is given but the outcome is still stated —

* a carried-out assassination or a death told in the singular ("assassinated the mayor", "اغتيال رئيس البلدية",
  "لقي حتفه", "a été abattu"): one killed;
* the attacker as the only dead ("the bomber was the only casualty", "blew himself up" with no other toll):
  one killed (GTD counts attackers among the dead);
* a device defused, hostages freed unharmed, or only material damage ("damaging the facade", "des dégâts
  matériels", "أضرار مادية") in a report that names no casualty at all: nobody killed or wounded, which is
  what GTD codes; a report with none of these and no toll keeps ``None`` ("not stated yet").

Every reader takes the normalised lead (:func:`marsad.monitor.numbers.normalise`) and checks cheap literal
guards before its pattern, so reports without such words cost a few substring searches.
"""

from __future__ import annotations

import re

__all__ = ["SELF_BLAST", "assassination", "attacker_only", "damage", "no_harm"]

_SENTENCE_CHARS = ".!?\n"
SELF_BLAST = re.compile(r"\bblew (?:himself|herself) up|\bdetonated (?:himself|herself)|s est fait exploser|"
                        r"(?<!\w)[وف]?(?:فجر|فجرت) (?:\w+ ){0,2}?(?:نفسه|نفسها)(?!\w)")
# "the bomber was the only casualty", "no casualties other than the assailant": one dead, the attacker
_ONLY_ATTACKER = re.compile(
    r"\b(?:bomber|assailant|attacker|perpetrator|kamikaze|assaillant) (?:was|etait|a ete) (?:the|le|la) "
    r"(?:only|seule?) "
    r"(?:reported )?(?:casualty|fatality|victime|mort|person killed)|"
    r"\bno (?:reported )?(?:casualties|deaths|fatalities) other than (?:the|that of the) "
    r"(?:bomber|assailant|attacker|perpetrator)\b")

# the verbs of a carried-out assassination (the nouns "assassination", "assassinat" are mostly background:
# "an assassination cell", "responsible for the assassination of"); Arabic news tells it with the noun too
_ASSASSINATION = re.compile(r"\bassassinated\b|\bassassine(?:e|s|es)?\b|"
                            r"(?<!\w)(?:[وف]?(?:ب|ل)?(?:ال)?)?(?:اغتيال|اغتال|اغتالت|اغتيل|اغتيلت|يغتال|تغتال)(?!\w)")
_ASSASSINATION_GUARDS = ("assassin", "اغتي", "اغتال", "حتف", "مصرع", "a ete")
# one victim told in the singular: "لقي حتفه/مصرعه" (he met his death), "a été tué/abattu" (was killed)
_SINGLE_DEATH = re.compile(r"(?<!\w)لقي(?:ت)? (?:\w+ ){0,3}?(?:حتفه|حتفها|مصرعه|مصرعها)(?!\w)|"
                           r"\ba ete (?:tue|tuee|abattu|abattue|assassine|assassinee)\b")
_FAILED_ASSASSINATION = re.compile(  # attempts, plots, and background (cells, suspects, responsibility)
    r"attempt|survived|escaped|foiled|plot|plann|cell|responsible for|involved in|accused of|suspected of|"
    r"wanted for|linked to|tentative|rescape|dejoue|projet|planifi|cellule|responsable d|soupconne|accuse|"
    r"محاول|نجا|نجاه|احباط|مخطط|خطط|تخطيط|خليه|مسؤول عن|متهم|المتهم|مطلوب")


# a device found and made safe, hostages freed unharmed: when the report states no toll at all, nobody died
_NO_HARM = re.compile(r"\b(?:defused|dismantled|deactivated|disarmed|unharmed|unhurt|safely released|foiled|thwarted"
                      r"|(?:was|were) (?:later |eventually |subsequently )?(?:released|freed|rescued))\b|\bdejoue\w*|"
                      r"\b(?:a|ont) ete (?:liberee?s?|relachee?s?)\b|(?<!\w)(?:احبط\w*|احباط|افرج\w*|الافراج)(?!\w)|"
                      r"\bdesamorce\w*|\bsains? et saufs?\b|\bindemnes?\b|"
                      r"(?<!\w)(?:[وف]?(?:ب|ل)?(?:ال)?)(?:تفكيك|ابطال|فكك\w*|ابطل\w*)(?!\w)|(?<!\w)سالمين(?!\w)")
_NO_HARM_GUARDS = ("defused", "dismantled", "deactivated", "disarmed", "unharmed", "unhurt", "safely released",
                   "foiled", "thwarted", "released", "freed", "rescued", "dejoue", "libere", "relache", "احبط", "احباط",
                   "افرج", "الافراج",
                   "desamorc", "et sauf", "indemne", "تفكيك", "ابطال", "فكك", "ابطل", "سالمين")
# damage told as the outcome ("damaging the building", "des dégâts matériels", "أضرار مادية") in a report that
# names no casualty at all: the report says what the attack did, and it killed nobody
_DAMAGE = re.compile(r"\b(?:damag\w*|destroy\w*|set (?:on )?fire|set \w+ ablaze|torched|burn(?:ed|t) down)\b|"
                     r"\bdegats\b|\bdommages?\b|\bendommag\w*|\bdetrui\w*|"
                     r"(?<!\w)(?:[وف]?(?:ب|ل)?(?:ال)?)(?:اضرار|خساير ماديه|تدمير|دمار|احراق|اضرام)(?!\w)")
_DAMAGE_GUARDS = ("damag", "destroy", "set fire", "on fire", "ablaze", "torched", "burn", "degat", "dommage",
                  "endommag", "detrui", "اضرار", "خساير", "تدمير", "دمار", "احراق", "اضرام")
_EXPLODED = re.compile(r"\bexplod|\bblast|\bexplos(?!if|ive)|\bdetonated\b(?! (?:it|them|the device)\b)|انفجر|انفجار")


def no_harm(lead: str) -> bool:
    """Whether a report that counts nobody says the device was defused or the victims were unharmed (and no
    device exploded), which GTD codes 0 killed and 0 wounded."""
    if not any(map(lead.__contains__, _NO_HARM_GUARDS)) or not _NO_HARM.search(lead):
        return False
    return not _EXPLODED.search(lead)


_ONLY_GUARDS = ("only casualty", "only reported casualty", "only fatality", "only person killed", "other than the",
                "other than that", "seule victime", "seul mort")
_SELF_GUARDS = ("blew himself", "blew herself", "detonated himself", "detonated herself", "fait exploser", "فجر")


def attacker_only(lead: str) -> bool:
    """Whether the lead tells one dead attacker and no other toll: "the bomber was the only casualty", "blew
    himself up" (GTD counts the bomber). Literal guards first: the patterns run on few reports."""
    return (any(map(lead.__contains__, _ONLY_GUARDS)) and _ONLY_ATTACKER.search(lead) is not None
            or any(map(lead.__contains__, _SELF_GUARDS)) and SELF_BLAST.search(lead) is not None)


def damage(lead: str) -> bool:
    """Whether the lead tells material damage ("damaging the building", "des dégâts", "أضرار مادية")."""
    return any(map(lead.__contains__, _DAMAGE_GUARDS)) and _DAMAGE.search(lead) is not None


def assassination(lead: str) -> bool:
    """Whether the lead reports one victim killed without counting: a carried-out assassination, or a death
    told in the singular ("لقي حتفه", "a été abattu"), in a sentence with no attempt, plot or survival word."""
    if not any(word in lead for word in _ASSASSINATION_GUARDS):
        return False
    for match in (*_ASSASSINATION.finditer(lead), *_SINGLE_DEATH.finditer(lead)):
        start = max((lead.rfind(c, 0, match.start()) for c in _SENTENCE_CHARS), default=-1) + 1
        ends = [e for e in (lead.find(c, match.end()) for c in _SENTENCE_CHARS) if e != -1]
        if not _FAILED_ASSASSINATION.search(lead, start, min(ends) if ends else len(lead)):
            return True
    return False
