"""The survey items the product knows (SPEC section 2), their constructs and surveys.

An item is recognised in an export when its statement appears in a column header (Qualtrics
matrix headers read "Question - Statement"), compared without case, quotes or extra spaces.
A district whose survey words an item its own way lists its wording in config.toml
(`[surveys.wording]`, item id -> statements): each is recognised as that item, and the first is
the statement the pages show. Where a header holds more than one known statement, the longest
one is the item (a wording that contains another is the more specific).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Item:
    id: str
    survey: str          # student / teacher / leader / caregiver
    construct: str       # belonging / consistency / coherence / student_voice /
                         # teacher_support / leader_feedback
    statement: str


ITEMS: tuple[Item, ...] = (
    Item("belong_1", "student", "belonging", "My teachers make me feel like I belong."),
    Item("belong_2", "student", "belonging", "I feel supported by my school."),
    Item("belong_3", "student", "belonging", "People at my school care about me."),
    Item("belong_4", "student", "belonging",
         "When I feel like giving up, my teachers ask me to keep trying."),
    Item("consist_1", "student", "consistency",
         "My teachers expect that I will succeed, even on challenging assignments."),
    Item("consist_2", "student", "consistency",
         "My teachers take time to make sure I understand what we are learning in class."),
    Item("consist_3", "student", "consistency",
         "I have to really think about my math assignments, not just use problem-solving tricks."),
    Item("consist_4", "student", "consistency",
         "My teachers expect me to be able to explain my thinking in writing."),
    Item("cohere_1", "student", "coherence",
         "I know what I need to do to be successful in my classes."),
    Item("cohere_2", "student", "coherence",
         "My teachers show us how the work we are doing connects to my real life."),
    Item("cohere_3", "student", "coherence",
         "The extra support I get in small groups helps me to be ready for the lessons my "
         "teacher teaches to the whole class."),
    # Student voice: the partnership's student outcomes (ownership of learning, engagement in
    # classroom instruction, a trusted adult who affirms who they are). Districts ask these in
    # their own words more often than the others: config.toml [surveys.wording].
    Item("voice_ownership", "student", "student_voice", "I feel ownership over my learning."),
    Item("voice_engagement", "student", "student_voice",
         "I feel engaged in what we do in my classes."),
    Item("voice_trusted_adult", "student", "student_voice",
         "There is at least one adult at my school I trust."),
    Item("voice_identity", "student", "student_voice",
         "There is an adult at my school who affirms who I am."),
    Item("teacher_1", "teacher", "teacher_support",
         "My teaching has improved as a result of the coaching and support I have received"),
    Item("teacher_2", "teacher", "teacher_support",
         "I have the right tools and supports to support students in my classes"),
    Item("leader_1", "leader", "leader_feedback",
         "I am comfortable observing and providing feedback to teachers"),
    Item("leader_2", "leader", "leader_feedback",
         "I am comfortable providing critical feedback to teachers"),
)
ITEMS_BY_ID = {item.id: item for item in ITEMS}
CONSTRUCT_LABELS = {
    "belonging": "Belonging",
    "consistency": "Consistency",
    "coherence": "Coherence",
    "student_voice": "Student voice",
    "teacher_support": "Teacher: coaching and tools",
    "leader_feedback": "Leader: observation and feedback",
}

# Five-point agreement scale, least to most agreement.
SCALE_5 = ("strongly disagree", "disagree", "neither agree nor disagree", "agree", "strongly agree")
_SCALE_ALIASES = {"neutral": 3, "neither disagree nor agree": 3, "somewhat agree": 4}
SCALE_LABELS = frozenset([*SCALE_5, *_SCALE_ALIASES])     # normalised


def normalise_text(text: str) -> str:
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    text = text.replace("\u201c", '"').replace("\u201d", '"')
    text = re.sub(r"[\"'.,?!]", "", text)
    return " ".join(text.split())


Wording = Mapping[str, Sequence[str]]     # item id -> statements (config.toml)


def statement(item_id: str, wording: Wording | None = None) -> str:
    """The statement shown for an item: the district's first wording, else the product's."""
    own = (wording or {}).get(item_id)
    return own[0] if own else ITEMS_BY_ID[item_id].statement


@lru_cache(maxsize=32)
def _statements(wording: tuple[tuple[str, tuple[str, ...]], ...]) -> list[tuple[str, Item]]:
    """Every recognised statement, normalised, longest first."""
    known = [(normalise_text(item.statement), item) for item in ITEMS]
    known += [(normalise_text(text), ITEMS_BY_ID[item_id])
              for item_id, texts in wording for text in texts]
    return sorted(known, key=lambda pair: -len(pair[0]))


def frozen_wording(wording: Wording | None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple(sorted((k, tuple(v)) for k, v in (wording or {}).items()))


def match_item(header: str, wording: Wording | None = None) -> Item | None:
    """The known item whose statement (the product's, or a wording the district configured)
    appears in this header or item text, if any; the longest statement that appears wins."""
    text = normalise_text(header)
    for known, item in _statements(frozen_wording(wording)):
        if known in text:
            return item
    return None


def scale_value(answer: str) -> int | None:
    """Position of an answer on the 5-point scale (1-5), from its label or number."""
    text = normalise_text(answer)
    if text.isdigit():
        return int(text) if 1 <= int(text) <= 5 else None
    if text in SCALE_5:
        return SCALE_5.index(text) + 1
    return _SCALE_ALIASES.get(text)
