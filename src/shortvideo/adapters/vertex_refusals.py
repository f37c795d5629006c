"""Vertex AI refusals: telling a usage-guidelines refusal from an invalid request, and its category.

Veo answers a refused prompt with "...violate(s) Vertex AI's usage guidelines... Support codes:
NNNNNNNN" (a synchronous 400 INVALID_ARGUMENT, or an operation error with code 3); an invalid
request has the same status and code, so only the message tells them apart. The support codes
map to the safety categories of Veo's table ("Responsible AI and usage guidelines for Veo",
docs.cloud.google.com/gemini-enterprise-agent-platform/models/video/responsible-ai-and-usage-
guidelines, "Safety filter code categories"); decision 0011. Gemini says it with a finishReason
and safety ratings instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from shortvideo.errors import ContentFiltered

# Support code -> category slug, from Veo's safety-code table (the table's order).
SUPPORT_CODE_CATEGORIES: dict[str, str] = {
    "58061214": "child", "17301594": "child",
    "29310472": "celebrity", "15236754": "celebrity",
    "64151117": "video_safety", "42237218": "video_safety",
    "62263041": "dangerous",
    "57734940": "hate", "22137204": "hate",
    "74803281": "other", "29578790": "other", "42876398": "other",
    "89371032": "prohibited", "49114662": "prohibited", "63429089": "prohibited",
    "72817394": "prohibited", "60599140": "prohibited",
    "35561574": "third_party", "35561575": "third_party",
    "90789179": "sexual", "43188360": "sexual",
    "78610348": "toxic",
    "61493863": "violence", "56562880": "violence",
    "32635315": "vulgar",
    # Person/face: in the Imagen table and seen in Vertex answers, not in Veo's current table.
    "39322892": "person",
}  # fmt: skip
# What to tell a creator per category (the dashboard translates by the reason code).
CATEGORY_HINTS: dict[str, str] = {
    "child": "it shows children, which this project may not generate",
    "person": "it shows people, which this project may not generate",
    "celebrity": "it depicts a real, prominent person",
    "video_safety": "it breaks a general safety rule",
    "dangerous": "it shows potentially dangerous content",
    "hate": "it contains hate-related content",
    "prohibited": "it asks for prohibited content",
    "third_party": "it uses third-party content (brands, characters, works)",
    "sexual": "it is sexual or suggestive",
    "toxic": "it contains toxic content",
    "harassment": "it contains harassment",
    "violence": "it is violent",
    "vulgar": "it is vulgar",
    "other": "it breaks the model's usage guidelines",
}
# Gemini harm categories (safetyRatings[].category) -> the same slugs.
HARM_CATEGORIES: dict[str, str] = {
    "HARM_CATEGORY_HATE_SPEECH": "hate",
    "HARM_CATEGORY_DANGEROUS_CONTENT": "dangerous",
    "HARM_CATEGORY_HARASSMENT": "harassment",
    "HARM_CATEGORY_SEXUALLY_EXPLICIT": "sexual",
    "HARM_CATEGORY_IMAGE_HATE": "hate",
    "HARM_CATEGORY_IMAGE_DANGEROUS_CONTENT": "dangerous",
    "HARM_CATEGORY_IMAGE_HARASSMENT": "harassment",
    "HARM_CATEGORY_IMAGE_SEXUALLY_EXPLICIT": "sexual",
}
# Gemini finish reasons that are a refusal of the content (the rest are not).
REFUSAL_FINISH_REASONS = {
    "SAFETY": "other",
    "IMAGE_SAFETY": "other",
    "PROHIBITED_CONTENT": "prohibited",
    "IMAGE_PROHIBITED_CONTENT": "prohibited",
    "BLOCKLIST": "prohibited",
    "SPII": "other",
}
_SUPPORT_CODES = re.compile(r"support codes?:\s*([0-9][0-9,;\s]*)", re.IGNORECASE)
# The documented wording of a refusal (the table's page: "The prompt couldn't be submitted",
# "it might violate our policies", and the sample "...violates ... usage guidelines").
_REFUSAL_WORDS = re.compile(
    r"usage guidelines|could(?:n't| not) be submitted|might violate", re.IGNORECASE
)
_PERSON = re.compile(r"person ?generation|generate (?:people|persons)", re.IGNORECASE)


def support_codes(message: str) -> tuple[str, ...]:
    found = _SUPPORT_CODES.search(message or "")
    return tuple(re.findall(r"\d{8}", found[1])) if found else ()


def is_refusal(message: str) -> bool:
    """A usage-guidelines refusal or safety filter, not an invalid request."""
    if any(code in SUPPORT_CODE_CATEGORIES for code in support_codes(message)):
        return True
    return bool(_REFUSAL_WORDS.search(message or ""))


def category_of(message: str) -> str:
    """The category of the first known support code; "person" or "other" when none is known."""
    for code in support_codes(message):
        if code in SUPPORT_CODE_CATEGORIES:
            return SUPPORT_CODE_CATEGORIES[code]
    return "person" if _PERSON.search(message or "") else "other"


def refusal(what: str, message: str) -> ContentFiltered:
    """The typed error of a refusal whose provider message is `message`."""
    category = category_of(message)
    return filtered(what, category, detail=message, codes=support_codes(message))


def filtered(
    what: str, category: str, *, detail: str = "", codes: tuple[str, ...] = ()
) -> ContentFiltered:
    hint = CATEGORY_HINTS.get(category, CATEGORY_HINTS["other"])
    text = f"{what} was refused by the model's safety filters: {hint}"
    if detail:
        text += f" ({' '.join(detail.split())[:300]})"
    return ContentFiltered(text, category=category, support_codes=codes)


def gemini_category(finish_reason: str, blocked_harms: Iterable[str]) -> str:
    """A Gemini refusal's category: the first blocked harm category, else the finish reason's."""
    for harm in blocked_harms:
        if harm in HARM_CATEGORIES:
            return HARM_CATEGORIES[harm]
    return REFUSAL_FINISH_REASONS.get(finish_reason, "other")
