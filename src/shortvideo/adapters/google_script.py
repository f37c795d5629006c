"""Gemini script writer (google-genai, Vertex AI): JSON blocks validated like every script."""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from shortvideo.adapters.genai_client import GenaiAdapter, call_api, raise_if_refused
from shortvideo.adapters.vertex_refusals import CATEGORY_HINTS
from shortvideo.errors import ProviderError, ScriptInvalid
from shortvideo.models import (
    EXTENSION_SECONDS,
    MAX_THEME_CHARS,
    OPENING_SECONDS,
    Block,
    Language,
    Script,
    Style,
    seconds_for_blocks,
)
from shortvideo.ports import ScriptBrief
from shortvideo.scripts import parse_script, validate_script
from shortvideo.settings import Settings

if TYPE_CHECKING:
    from google.genai import types

LANGUAGE_NAMES = {Language.FR: "French", Language.EN: "English", Language.ES: "Spanish"}
STYLE_LOOKS = {
    Style.CINEMATIC: "film look, dramatic lighting, shallow depth of field, sweeping camera moves",
    Style.ANIME: "Japanese anime, cel shading, bold outlines, saturated colours",
    Style.REALISTIC: "photorealistic, natural light, documentary camera",
    Style.SKETCH: "hand-drawn pencil sketch on paper, visible strokes, little colour",
    Style.CYBERPUNK: "neon-lit night city, rain, magenta and cyan glow, high contrast",
    Style.VINTAGE: "old film, sepia tones, grain and scratches, 1950s look",
    Style.FANTASY: "magical worlds, glowing light, rich painterly colours",
}
WORDS_PER_SECOND = 2.2  # a comfortable speaking pace for the prompt's limit
MAX_WORDS_PER_SECOND = 3.2  # beyond this a line cannot be spoken in its block: reject
_BLOCK_FIELDS = ("index", "visual", "dialogue", "sound_effects")
THEME_WORDS = 15
MAX_VISUAL_CHARS = 1000  # a rephrased visual longer than this is not a scene description


def build_prompt(brief: ScriptBrief) -> str:
    seconds = seconds_for_blocks(brief.block_count)
    first, other = OPENING_SECONDS, EXTENSION_SECONDS
    lang = f"{brief.language.value} ({LANGUAGE_NAMES[brief.language]})"
    lines = [
        "You write scripts for vertical (9:16) short videos made with Veo 3.1.",
        f"THEME: {' '.join(brief.theme.split())}",
        f"STYLE: {brief.style.value} - {STYLE_LOOKS[brief.style]}",
        f"LANGUAGE: {lang}. Write every dialogue line in this language; the rest in English.",
        f"BLOCKS: exactly {brief.block_count}, indexed 0 to {brief.block_count - 1}, "
        f"{seconds} seconds in all.",
        f"TIMING: block 0 is the opening clip ({first} seconds); every other block is an "
        f"extension of {other} seconds that continues the previous one.",
        f"DIALOGUE: one short spoken line per block, at most {int(first * WORDS_PER_SECOND)} "
        f"words in block 0 and {int(other * WORDS_PER_SECOND)} words in the others, so it can "
        "be spoken calmly within the block.",
    ]
    if brief.character:
        lines.append(f"MAIN CHARACTER: {brief.character.name} - {brief.character.description}")
        lines.append("The main character appears and speaks in every block.")
    lines += [
        "For each block give: index; visual (what the camera shows, in the style above); "
        "dialogue; sound_effects (ambient sounds, no music).",
        "Also give a catchy title. Answer with JSON only.",
    ]
    return "\n".join(lines)


def response_schema(block_count: int) -> types.Schema:
    from google.genai import types

    text = types.Schema(type=types.Type.STRING)
    block = types.Schema(
        type=types.Type.OBJECT,
        properties={
            "index": types.Schema(type=types.Type.INTEGER),
            "visual": text,
            "dialogue": text,
            "sound_effects": text,
        },
        required=list(_BLOCK_FIELDS),
        property_ordering=list(_BLOCK_FIELDS),
    )
    return types.Schema(
        type=types.Type.OBJECT,
        properties={
            "title": text,
            "blocks": types.Schema(
                type=types.Type.ARRAY, items=block, min_items=block_count, max_items=block_count
            ),
        },
        required=["title", "blocks"],
        property_ordering=["title", "blocks"],
    )


class GeminiScriptWriter(GenaiAdapter):
    kind = "gemini"

    def model_id(self, settings: Settings) -> str:
        return settings.gemini_model

    def write_script(self, brief: ScriptBrief) -> Script:
        prompt = build_prompt(brief)
        try:
            return self._attempt(prompt, brief)
        except ScriptInvalid as first:
            retry = (
                f"{prompt}\n\nYOUR PREVIOUS ANSWER WAS REJECTED: {first.message}. "
                "Answer again and fix this."
            )
            try:
                return self._attempt(retry, brief)
            except ScriptInvalid as second:
                raise ScriptInvalid(
                    f"Gemini ({self.model}) wrote an invalid script twice: {second.message}"
                ) from second

    def _attempt(self, prompt: str, brief: ScriptBrief) -> Script:
        from google.genai import types

        config = types.GenerateContentConfig(
            response_mime_type="application/json",
            response_schema=response_schema(brief.block_count),
            temperature=0.9,
        )
        response = call_api(
            f"Gemini {self.model}",
            lambda: self.client.models.generate_content(
                model=self.model, contents=prompt, config=config
            ),
        )
        return script_from_text(_response_text(response, self.model, "the script prompt"), brief)

    def propose_theme(self, prompt: str, language: Language, avoid: Sequence[str]) -> str:
        """The next theme of a series from its prompt; never one of `avoid` (asked twice)."""
        from google.genai import types

        config = types.GenerateContentConfig(max_output_tokens=200, temperature=1.0)
        seen = {a.strip().casefold() for a in avoid}
        rejected = ""
        for _ in range(2):
            contents = theme_prompt(prompt, language, avoid, rejected)
            response = call_api(
                f"Gemini {self.model} theme",
                functools.partial(
                    self.client.models.generate_content,
                    model=self.model,
                    contents=contents,
                    config=config,
                ),
            )
            text = " ".join(_response_text(response, self.model, "the theme prompt").split())
            theme = text.strip().strip('"').strip()
            if not theme or len(theme) > MAX_THEME_CHARS:
                rejected = f"it was {len(theme)} characters long"
            elif theme.casefold() in seen:
                rejected = f"{theme!r} was already used"
            else:
                return theme
        raise ProviderError(f"Gemini {self.model} proposed no new theme: {rejected}")

    def rephrase_visual(
        self, block: Block, language: Language, style: Style, reason_code: str
    ) -> str:
        """The block's visual prompt rewritten to pass the video model's safety filters."""
        from google.genai import types

        prompt = rephrase_prompt(block, language, style, reason_code)
        config = types.GenerateContentConfig(max_output_tokens=400)
        response = call_api(
            f"Gemini {self.model} rephrase",
            lambda: self.client.models.generate_content(
                model=self.model, contents=prompt, config=config
            ),
        )
        text = " ".join(_response_text(response, self.model, "the rephrase prompt").split())
        text = text.strip().strip('"').strip()
        if not text or len(text) > MAX_VISUAL_CHARS:
            raise ProviderError(f"Gemini {self.model} rephrased the visual as {len(text)} chars")
        return text


def theme_prompt(prompt: str, language: Language, avoid: Sequence[str], rejected: str) -> str:
    lines = [
        "You plan a series of short vertical videos (60 to 90 seconds each).",
        f"THE SERIES: {prompt}",
        f"Propose the theme of the next video, in {LANGUAGE_NAMES[language]}: one line, at "
        f"most {THEME_WORDS} words, concrete enough to script, new to the series.",
    ]
    if avoid:
        lines.append("THESE THEMES WERE ALREADY USED, DO NOT REPEAT OR PARAPHRASE THEM:")
        lines.extend(f"- {theme}" for theme in avoid)
    if rejected:
        lines.append(f"YOUR PREVIOUS ANSWER WAS REJECTED: {rejected}")
    lines.append("Answer with the theme only, no quotes, no explanation.")
    return "\n".join(lines)


def rephrase_prompt(block: Block, language: Language, style: Style, reason_code: str) -> str:
    category = reason_code.removeprefix("content_filtered.")
    hint = CATEGORY_HINTS.get(category, CATEGORY_HINTS["other"])
    return "\n".join(
        [
            "A video model refused the scene description below: its safety filters say "
            f"{hint} (reason {reason_code}).",
            "Rewrite the scene description so that it passes them and keeps the meaning of the "
            "scene: the same place, action, mood and story beat. Replace what was refused by a "
            "safe equivalent (for example adults instead of children, a fictional person "
            "instead of a real one, suggestion instead of explicit harm); add nothing else.",
            f"STYLE: {style.value} - {STYLE_LOOKS[style]}",
            f'THE LINE SPOKEN IN THE SCENE ({LANGUAGE_NAMES[language]}): "{block.dialogue}"',
            f"SCENE DESCRIPTION: {block.visual}",
            "Answer with the new scene description only, in English, at most 80 words.",
        ]
    )


def script_from_text(text: str, brief: ScriptBrief) -> Script:
    """The model's JSON answer -> a validated Script (language and style come from the brief)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScriptInvalid(f"the answer is not JSON ({exc.msg} at char {exc.pos})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("blocks"), list):
        raise ScriptInvalid("the answer is not an object with a blocks list")
    blocks: list[Any] = [
        {k: v for k, v in b.items() if k in _BLOCK_FIELDS} if isinstance(b, dict) else b
        for b in data["blocks"]
    ]
    script = parse_script(
        {
            "title": data.get("title"),
            "language": brief.language.value,
            "style": brief.style.value,
            "character_name": brief.character.name if brief.character else None,
            "blocks": blocks,
        }
    )
    validate_script(script, brief)
    for block in script.blocks:
        words = len(block.dialogue.split())
        if words > block.seconds * MAX_WORDS_PER_SECOND:
            raise ScriptInvalid(
                f"block {block.index} dialogue has {words} words, too long for {block.seconds} s"
            )
    return script


def _response_text(response: types.GenerateContentResponse, model: str, what: str) -> str:
    """The answer's text; a blocked prompt or a SAFETY / PROHIBITED_CONTENT stop is
    ContentFiltered with its category, even after some text."""
    raise_if_refused(response, what)
    candidates = response.candidates or []
    parts = (candidates[0].content.parts or []) if candidates and candidates[0].content else []
    text = "".join(p.text for p in parts if p.text and not p.thought)
    if not text:
        finish = candidates[0].finish_reason if candidates else None
        raise ProviderError(f"Gemini {model} returned no text (finish reason {finish})")
    return text
