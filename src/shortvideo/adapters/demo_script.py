"""Offline demo script writer: valid blocks in fr/en/es from templates. No network, no model."""

from __future__ import annotations

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
    Language.FR: [
        "Bonjour, je suis {n}, et aujourd'hui nous explorons {s}.",
        "Beaucoup de gens pensent déjà tout savoir sur {s}.",
        "Mais regardez de plus près, les détails racontent autre chose.",
        "Voici la première surprise cachée dans {s}.",
        "Les chercheurs ont passé des années à comprendre ce moment.",
        "Regardez ce qui se passe quand on change un petit détail.",
        "Voici la partie que personne ne s'attend à voir.",
        "Chaque pièce se relie, comme un puzzle qui se complète.",
        "Alors, que signifie vraiment {s} pour nous tous ?",
        "Souvenez-vous de cette idée simple en regardant autour de vous.",
        "Le monde est rempli de merveilles qui attendent notre regard.",
        "Merci de votre attention, et restez curieux, mes amis.",
    ],
    Language.ES: [
        "Hola, soy {n}, y hoy vamos a explorar {s}.",
        "Mucha gente cree que ya lo sabe todo sobre {s}.",
        "Pero mira más de cerca, los detalles cuentan otra historia.",
        "Aquí está la primera sorpresa escondida en {s}.",
        "Los científicos pasaron años intentando entender este momento.",
        "Mira lo que pasa cuando cambiamos una pequeña cosa.",
        "Esta es la parte que nadie espera ver.",
        "Cada pieza encaja, como un rompecabezas que se completa.",
        "Entonces, ¿qué significa realmente {s} para todos nosotros?",
        "Recuerda esta idea sencilla la próxima vez que mires a tu alrededor.",
        "El mundo está lleno de maravillas esperando ser descubiertas.",
        "Gracias por mirar, y sigan siendo curiosos, amigos.",
    ],
}
_NARRATOR = {Language.EN: "your guide", Language.FR: "votre guide", Language.ES: "tu guía"}
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


def _subject(theme: str, max_words: int = 6) -> str:
    """A short, speakable subject: the first words of the theme, without trailing punctuation."""
    words = theme.replace("\n", " ").split()
    return " ".join(words[:max_words]).strip(" .,;:!?")


class DemoScriptWriter:
    provider = PROVIDER

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
        title = f"{subject[:60]} ({brief.style.value})"
        return Script(
            title=title,
            language=brief.language,
            style=Style(brief.style),
            character_name=brief.character.name if brief.character else None,
            blocks=blocks,
        )
