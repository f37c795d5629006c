"""Offline demo script writer: valid blocks in fr/en/es from templates. No network, no model."""

from __future__ import annotations

from collections.abc import Sequence

from shortvideo.models import Block, Language, Script, Style
from shortvideo.ports import ScriptBrief

PROVIDER = "demo-offline"

# Twelve beats of a short story; {s} is the subject, {n} the narrator or character.
_BEATS: dict[Language, list[str]] = {
    Language.EN: [
        "Hello, I am {n}, and today we explore {s}.",
        "Most people think they already know everything about {s}.",
        "But look closer, the details tell a different story.",
        "Here is the first surprise hidden inside {s}.",
        "Scientists spent years trying to understand this moment.",
        "Now watch what happens when we change one small thing.",
        "This is the part that nobody expects to see.",
        "Every piece connects, like a puzzle coming together.",
        "So what does {s} really mean for all of us?",
        "Remember this simple idea the next time you look around.",
        "The world is full of wonders waiting to be noticed.",
        "Thank you for watching, and stay curious, my friends.",
    ],
    # French and Spanish lines are written for espeak-ng and Whisper: common words that the
    # synthetic voice says clearly (measured: avoid e.g. "savoir", "connaître", "pourtant",
    # "incroyable", "détails", "rompecabezas"), about 8-12 words to fill a 7 s block (long
    # silences make Whisper loop), and the subject in a few lines only.
    Language.FR: [
        "Bonjour à tous, je suis {n}, et aujourd'hui nous allons découvrir {s}.",
        "On a tous déjà entendu parler de ce sujet passionnant.",
        "Mais en fait, c'est beaucoup plus compliqué que ça.",
        "Voici la première surprise cachée dans {s}.",
        "Pendant des années, les scientifiques ont essayé de comprendre ce moment.",
        "Regardez ce qui se passe quand on change un petit détail.",
        "Et maintenant, voici une chose vraiment étonnante.",
        "Chaque pièce a sa place, comme dans un puzzle qui se complète.",
        "Alors, qu'est-ce que tout cela veut dire pour nous tous ?",
        "N'oubliez pas cette idée la prochaine fois que vous sortez de chez vous.",
        "Il suffit de bien regarder pour voir la beauté du monde.",
        "Merci de votre attention, et restez curieux, mes amis.",
    ],
    Language.ES: [
        "Hola, soy {n}, y hoy vamos a explorar {s}.",
        "Mucha gente cree que ya lo sabe todo sobre {s}.",
        "Pero en realidad, todo es mucho más complicado.",
        "Aquí está la primera sorpresa escondida en {s}.",
        "Los científicos pasaron años intentando entender este momento.",
        "Ahora vamos a ver qué pasa si cambiamos una pequeña cosa.",
        "Y esto es algo que muy pocas personas conocen.",
        "Al final, todo está conectado, y cada parte tiene su lugar.",
        "Entonces, ¿qué significa todo esto para nosotros?",
        "Recuerda esta idea la próxima vez que salgas de casa.",
        "El mundo está lleno de cosas bonitas, solo hay que mirar con atención.",
        "Muchas gracias por ver este video, y hasta la próxima.",
    ],
}
# "votre guide" / "tu guía" came out as "mon pire" / "tu mía"; these are heard as written.
_NARRATOR = {
    Language.EN: "your guide",
    Language.FR: "votre présentateur",
    Language.ES: "tu presentador",
}
_SHOTS = [
    "opening wide shot",
    "close-up",
    "slow pan",
    "detail macro shot",
    "tracking shot",
    "over-the-shoulder shot",
    "dramatic reveal",
    "split-screen montage",
    "aerial view",
    "reflective medium shot",
    "golden-hour panorama",
    "closing wide shot",
]
_SOUNDS = ["soft whoosh", "light chime", "ambient hum", "footsteps", "gentle wind", "click"]


# Words a cut subject must not end on, and articles that read lower-case mid-sentence.
_DANGLING = {"a", "an", "the", "of", "to", "in", "on", "and", "or", "for", "with", "de", "du",
             "des", "la", "le", "les", "et", "à", "el", "los", "las", "y", "en", "del"}  # fmt: skip
_ARTICLES = {"a", "an", "the", "le", "la", "les", "un", "une", "el", "los", "las", "una"}


# A subject fits every line it is spoken in (dialogue at most 400 characters) and the title.
MAX_SUBJECT_CHARS = 60


def _subject(theme: str, max_words: int = 8) -> str:
    """A short, speakable subject: the theme's first words, not cut after "of" or "the".

    At most MAX_SUBJECT_CHARS: whole words while they fit; a single longer word (a 500-letter
    theme) is cut at the limit rather than failing the script.
    """
    words = theme.replace("\n", " ").split()
    cut = words[:max_words]
    while len(cut) > 1 and len(" ".join(cut)) > MAX_SUBJECT_CHARS:
        cut.pop()
    if cut and len(cut[0]) > MAX_SUBJECT_CHARS:
        cut[0] = cut[0][:MAX_SUBJECT_CHARS]
    while len(cut) < len(words) and len(cut) > 1 and cut[-1].lower() in _DANGLING:
        cut.pop()
    if cut and cut[0].lower() in _ARTICLES:
        cut[0] = cut[0].lower()
    return " ".join(cut).strip(" .,;:!?")


# Offline stand-in for Gemini's safer rewrite, per refusal category: the scene stays, what a
# safety filter objects to is named as absent.
_SAFER = {
    "child": "with adults only",
    "person": "with no people in frame",
    "celebrity": "with a fictional presenter, no real or famous person",
    "violence": "calm and peaceful, with no violence",
    "dangerous": "safe and harmless, nothing dangerous",
    "sexual": "fully clothed, family-friendly",
}


# Offline stand-in for Gemini's theme proposals: one angle on the series' subject after another.
_ANGLES: dict[Language, list[str]] = {
    Language.EN: ["The secret history of {p}", "A day in the life of {p}", "Myths about {p}",
                  "The science behind {p}", "The future of {p}", "Tiny details of {p}",
                  "Records and extremes of {p}", "How {p} changed the world"],
    Language.FR: ["L'histoire secrète de {p}", "Une journée avec {p}", "Les mythes sur {p}",
                  "La science de {p}", "L'avenir de {p}", "Les petits détails de {p}",
                  "Les records de {p}", "Comment {p} a changé le monde"],
    Language.ES: ["La historia secreta de {p}", "Un día con {p}", "Los mitos sobre {p}",
                  "La ciencia de {p}", "El futuro de {p}", "Los pequeños detalles de {p}",
                  "Los récords de {p}", "Cómo {p} cambió el mundo"],
}  # fmt: skip


class DemoScriptWriter:
    provider = PROVIDER

    def propose_theme(self, prompt: str, language: Language, avoid: Sequence[str]) -> str:
        """The first angle on the prompt's subject that is none of `avoid` (deterministic)."""
        subject = _subject(prompt)
        seen = {a.casefold() for a in avoid}
        for round_ in range(1, len(seen) + 2):
            for angle in _ANGLES[language]:
                theme = angle.format(p=subject) + (f" ({round_})" if round_ > 1 else "")
                if theme.casefold() not in seen:
                    return theme
        raise AssertionError("unreachable: more candidates than themes to avoid")

    def rephrase_visual(
        self, block: Block, language: Language, style: Style, reason_code: str
    ) -> str:
        """A deterministic safer wording of the block's visual (no model offline)."""
        category = reason_code.removeprefix("content_filtered.")
        safer = _SAFER.get(category, "family-friendly and within usage guidelines")
        return f"{block.visual.rstrip('. ')}, {safer}"

    def write_script(self, brief: ScriptBrief) -> Script:
        subject = _subject(brief.theme)
        narrator = brief.character.name if brief.character else _NARRATOR[brief.language]
        beats = _BEATS[brief.language]
        # Keep the first and last beats; the middle ones fill the requested count.
        order = [0, *range(1, brief.block_count - 1), len(beats) - 1][: brief.block_count]
        blocks = []
        for index, beat in enumerate(order):
            who = (
                f"{brief.character.name} ({brief.character.description})"
                if brief.character
                else "a narrator"
            )
            blocks.append(
                Block(
                    index=index,
                    visual=f"{brief.style.value} {_SHOTS[beat]}: {who} presents {subject}",
                    dialogue=beats[beat].format(s=subject, n=narrator),
                    sound_effects=_SOUNDS[index % len(_SOUNDS)],
                )
            )
        title = f"{subject} ({brief.style.value})"
        return Script(
            title=title,
            language=brief.language,
            style=Style(brief.style),
            character_name=brief.character.name if brief.character else None,
            blocks=blocks,
        )
