"""The fake Gemini's script: valid JSON {title, blocks:[{index, visual, dialogue, sound_effects}]}.

It reads the prompt the way a model would (THEME, LANGUAGE, "exactly N" blocks, MAIN CHARACTER)
and writes short, clearly spoken lines: at most 17 words in block 0 (8 s) and 15 in the others.
"""

from __future__ import annotations

import re
from typing import Any

LINES = {
    "en": [
        "Welcome. Today we discover {theme}.",
        "Look closely, every detail tells a story.",
        "Scientists have studied this for many years.",
        "Some of it still surprises everyone.",
        "Here is something most people never notice.",
        "It changes with the seasons and the light.",
        "Nature found a clever way to make it work.",
        "People around the world share this wonder.",
        "There is always more to learn and see.",
        "Every day brings a new small discovery.",
        "Now you know a little more about it.",
        "Thank you for watching, see you soon.",
    ],
    "fr": [
        "Bienvenue. Aujourd'hui nous découvrons {theme}.",
        "Regardez bien, chaque détail raconte une histoire.",
        "Les chercheurs étudient cela depuis longtemps.",
        "Certaines choses surprennent encore tout le monde.",
        "Voici un secret que peu de gens remarquent.",
        "Tout change avec les saisons et la lumière.",
        "La nature a trouvé une solution très habile.",
        "Partout dans le monde, on admire ce spectacle.",
        "Il reste toujours beaucoup à apprendre.",
        "Chaque jour apporte une petite découverte.",
        "Maintenant vous en savez un peu plus.",
        "Merci de nous avoir suivis, à bientôt.",
    ],
    "es": [
        "Bienvenidos. Hoy descubrimos {theme}.",
        "Miren bien, cada detalle cuenta una historia.",
        "Los científicos lo estudian desde hace años.",
        "Algunas cosas todavía sorprenden a todos.",
        "Aquí hay algo que casi nadie nota.",
        "Todo cambia con las estaciones y la luz.",
        "La naturaleza encontró una solución muy ingeniosa.",
        "En todo el mundo la gente admira esto.",
        "Siempre hay mucho más que aprender.",
        "Cada día trae un pequeño descubrimiento.",
        "Ahora ya sabes un poco más.",
        "Gracias por mirar, hasta pronto.",
    ],
}
TITLES = {"en": "The secrets of {theme}", "fr": "Les secrets de {theme}",
          "es": "Los secretos de {theme}"}  # fmt: skip
SHOTS = ("wide establishing shot", "slow push-in close-up", "gentle tracking shot",
         "overhead view", "low-angle shot", "macro detail shot")  # fmt: skip


def _field(prompt: str, label: str) -> str | None:
    found = re.search(rf"^{label}:\s*(.+)$", prompt, re.MULTILINE)
    return found[1].strip() if found else None


def script_for(prompt: str, blocks: int | None = None) -> dict[str, Any]:
    """A script for the prompt's theme, language, block count and main character."""
    theme = _field(prompt, "THEME") or "the wonders of the sea"
    language_line = _field(prompt, "LANGUAGE") or "en"
    language = language_line[:2] if language_line[:2] in LINES else "en"
    found = re.search(r"exactly\s+(\d+)", prompt)
    count = blocks if blocks is not None else int(found[1]) if found else 9
    character = re.search(r"^MAIN CHARACTER:\s*(.+?)\s+-\s+(.+)$", prompt, re.MULTILINE)
    short_theme = " ".join(theme.split()[:6])
    items = []
    for index in range(count):
        line = LINES[language][index % len(LINES[language])].format(theme=short_theme)
        who = f"{character[1]}, {character[2]}, " if character else ""
        items.append({
            "index": index,
            "visual": f"{SHOTS[index % len(SHOTS)].capitalize()}: {who}{theme}, scene {index + 1}.",
            "dialogue": line,
            "sound_effects": "soft ambient sounds",
        })  # fmt: skip
    return {"title": TITLES[language].format(theme=short_theme), "blocks": items}


def rewrite_for(prompt: str) -> str | None:
    """A rewritten scene when the prompt asks to rewrite one (a refused visual), else None.

    Gemini answers such a request in plain text, not with a script: a safer take on the scene,
    short (the request asks for at most 80 words).
    """
    scene = _field(prompt, "SCENE DESCRIPTION")
    if scene is None or "rewrite" not in prompt.lower():
        return None
    return " ".join(f"A gentle, safe version of the scene: {scene}".split()[:80])
