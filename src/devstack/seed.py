"""Seed data for the local emulators: five music tracks (catalogued) and one demo character."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from devstack.clients import firestore_client, storage_client

log = logging.getLogger("devstack.seed")

MUSIC_EXTENSION = "mp3"
MUSIC_NAMES = ("calm", "upbeat", "lofi", "ambient", "epic")
MUSIC_SECONDS = 8.0
# The track id is also its category in the seed; a real catalogue has several per category.
MUSIC_LICENSE = "synthesized locally by devstack.seed (no third-party rights)"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
CHARACTER_ID = "nova"
CHARACTER_OBJECT = f"characters/{CHARACTER_ID}.png"

# Chords as frequencies in Hz (triad + bass); each track is a short loopable progression.
_CALM_CHORDS = [  # Am  F  C  G, two seconds each
    (220.00, 261.63, 329.63, 110.00),
    (174.61, 220.00, 261.63, 87.31),
    (130.81, 196.00, 261.63, 65.41),
    (196.00, 246.94, 293.66, 98.00),
]
_UPBEAT_CHORDS = [  # C  G  Am  F, twice, one second each
    (261.63, 329.63, 392.00, 130.81),
    (196.00, 246.94, 293.66, 98.00),
    (220.00, 261.63, 329.63, 110.00),
    (174.61, 220.00, 261.63, 87.31),
] * 2


def character_document(bucket: str) -> dict[str, object]:
    return {
        "character_id": CHARACTER_ID,
        "name": "Nova",
        "description": "a curious silver-haired explorer in a teal jacket",
        "reference_image_uri": f"gs://{bucket}/{CHARACTER_OBJECT}",
        "image_object": CHARACTER_OBJECT,
        "created_by": "local-demo",
        "shared": True,  # the catalogue's: every creator may use it, none may delete it
        "style": "cinematic",
    }


def _chord_terms(chords: Sequence[Sequence[float]], seconds: float, amp: float) -> list[str]:
    terms = []
    for i, freqs in enumerate(chords):
        start, end = i * seconds, (i + 1) * seconds
        envelope = f"min(1,(t-{start})*6)*min(1,({end}-t)*6)"
        tones = "+".join(f"sin(2*PI*{f}*t)" for f in freqs)
        terms.append(f"between(t,{start},{end})*{envelope}*{amp}*({tones})")
    return terms


def _arpeggio_terms(chords: Sequence[Sequence[float]], seconds: float, amp: float) -> list[str]:
    """Four plucked notes per chord, an octave above its triad."""
    terms = []
    step = seconds / 4
    for i, freqs in enumerate(chords):
        for k in range(4):
            start = i * seconds + k * step
            freq = 2 * freqs[(0, 1, 2, 1)[k]]
            terms.append(
                f"between(t,{start},{start + step})*{amp}*exp(-(t-{start})*8)*sin(2*PI*{freq}*t)"
            )
    return terms


def _octave_down(chords: Sequence[Sequence[float]]) -> list[tuple[float, ...]]:
    return [tuple(f / 2 for f in chord) for chord in chords]


def _music_recipe(name: str) -> tuple[list[str], str]:
    """The expression terms and the effect chain of each seeded track."""
    if name == "calm":
        return _chord_terms(_CALM_CHORDS, 2.0, 0.1), "tremolo=f=3:d=0.3"
    if name == "upbeat":
        terms = _chord_terms(_UPBEAT_CHORDS, 1.0, 0.07) + _arpeggio_terms(_UPBEAT_CHORDS, 1.0, 0.15)
        return terms, "tremolo=f=4:d=0.6"
    if name == "lofi":  # soft chords, muffled, a slow wobble
        terms = _chord_terms(_CALM_CHORDS, 2.0, 0.09) + _arpeggio_terms(_CALM_CHORDS, 2.0, 0.06)
        return terms, "lowpass=f=1800,vibrato=f=0.8:d=0.15"
    if name == "ambient":  # long pads an octave down, slowly breathing
        return _chord_terms(_octave_down(_CALM_CHORDS), 2.0, 0.12), "tremolo=f=0.5:d=0.5"
    if name == "epic":  # low chords and bright, fast arpeggios
        chords = _octave_down(_UPBEAT_CHORDS)
        return _chord_terms(chords, 1.0, 0.1) + _arpeggio_terms(_UPBEAT_CHORDS, 1.0, 0.18), (
            "tremolo=f=6:d=0.3"
        )
    raise ValueError(f"no recipe for music {name!r}")


def render_music(name: str, dest: Path) -> None:
    """A few seconds of tonal, loopable music as MP3 (libmp3lame)."""
    terms, effects = _music_recipe(name)
    seconds = MUSIC_SECONDS
    source = f"aevalsrc=exprs='{'+'.join(terms)}':s=44100:d={seconds}"
    fades = f"afade=t=in:d=0.05,afade=t=out:st={seconds - 0.15}:d=0.15"
    _ffmpeg(["-f", "lavfi", "-i", source, "-af", f"{effects},{fades}", "-ac", "2",
             "-c:a", "libmp3lame", "-b:a", "128k", str(dest)])


def music_track_document(name: str) -> dict[str, object]:
    """music_tracks/{name}: what GET /music lists and a job's `music` names."""
    return {
        "track_id": name,
        "name": name.capitalize(),
        "category": name,
        "duration": MUSIC_SECONDS,
        "object": f"music/{name}.{MUSIC_EXTENSION}",
        "license": MUSIC_LICENSE,
        "retired": False,
    }


def render_character_png(label: str, dest: Path) -> None:
    """A 720x1280 teal gradient portrait card with the character's name."""
    base = "color=c=black:s=720x1280,format=rgb24,geq=r='20+40*Y/H':g='70+90*Y/H':b='90+60*X/W'"
    text = (f"drawtext=fontfile={FONT}:text={label}:fontsize=150:fontcolor=white"
            ":x=(w-text_w)/2:y=(h-text_h)/2:shadowcolor=black@0.6:shadowx=5:shadowy=5")
    try:
        _ffmpeg(["-f", "lavfi", "-i", f"{base},{text}", "-frames:v", "1", str(dest)])
    except RuntimeError as exc:  # no libfreetype build or no DejaVu font: plain card
        log.warning("drawtext unavailable (%s); character card without its name", exc)
        _ffmpeg(["-f", "lavfi", "-i", base, "-frames:v", "1", str(dest)])


def _ffmpeg(args: list[str]) -> None:
    if shutil.which("ffmpeg") is None:
        raise RuntimeError("ffmpeg is not installed (run ./dev.sh bootstrap)")
    done = subprocess.run(
        ["ffmpeg", "-y", "-hide_banner", "-loglevel", "error", *args],
        capture_output=True, text=True, check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"ffmpeg failed: {done.stderr.strip()[-500:]}")


def render_assets(cache_dir: Path) -> dict[str, Path]:
    """Object name -> local file, rendered once per cache directory."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    assets: dict[str, Path] = {}
    for name in MUSIC_NAMES:
        path = cache_dir / f"{name}.{MUSIC_EXTENSION}"
        # Temporary names of this process's own: two stacks seeding one cache at once (an
        # e2e test and a chaos run in one worktree) renamed each other's file away.
        if not path.exists():
            tmp = path.with_suffix(f".tmp{os.getpid()}.{MUSIC_EXTENSION}")
            render_music(name, tmp)
            tmp.replace(path)
        assets[f"music/{name}.{MUSIC_EXTENSION}"] = path
    card = cache_dir / f"{CHARACTER_ID}.png"
    if not card.exists():
        tmp = cache_dir / f"tmp{os.getpid()}-card.png"
        render_character_png("Nova", tmp)
        tmp.replace(card)
    assets[CHARACTER_OBJECT] = card
    return assets


def seed(env: Mapping[str, str], cache_dir: Path) -> None:
    """Upload the music and the character card, and write the character document."""
    bucket_name = env["PIPELINE_BUCKET"]
    bucket = storage_client(env).bucket(bucket_name)
    content_types = {"mp3": "audio/mpeg", "png": "image/png"}
    for object_name, path in render_assets(cache_dir).items():
        content_type = content_types[path.suffix.lstrip(".")]
        bucket.blob(object_name).upload_from_filename(str(path), content_type=content_type)
    db = firestore_client(env)
    db.collection("characters").document(CHARACTER_ID).set(character_document(bucket_name))
    for name in MUSIC_NAMES:
        db.collection("music_tracks").document(name).set(music_track_document(name))
    log.info("seeded %s music tracks and character %s", len(MUSIC_NAMES), CHARACTER_ID)
