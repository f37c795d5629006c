"""The bench's input: a demo job's video, made by the offline video adapter's own renderer.

A DemoScriptWriter script of N blocks; block 0 is an 8 s opening clip, each further block a 7 s
clip joined by `extend_video` (Veo's extension semantics), so 9 blocks make 64 s. Every
intermediate that the video agent would store (veo31_videos/{id}/block-NN-*.mp4, one growing
video per block) is kept, so the storage figures come from real files.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from demo_providers.render import extend_video, render_block_clip
from demo_providers.script_writer import DemoScriptWriter
from shortvideo.models import Language, Script, Style
from shortvideo.ports import ScriptBrief

THEME = "The secret life of octopuses"
MUSIC_SECONDS = 8.0


@dataclass
class BenchInput:
    """Everything a demo job would have produced before the assembler runs."""

    video_id: str
    workdir: Path
    script: Script
    script_json: Path
    source: Path  # veo31_videos/{id}.mp4
    intermediates: list[Path] = field(default_factory=list)  # veo31_videos/{id}/block-NN.mp4
    music: Path | None = None
    render_seconds: float = 0.0

    @property
    def dialogue(self) -> str:
        return self.script.dialogue_text()


def make_input(
    workdir: Path,
    blocks: int = 9,
    language: Language = Language.EN,
    style: Style = Style.CINEMATIC,
    with_music: bool = True,
) -> BenchInput:
    """Render (or reuse, when the same parameters were rendered into `workdir`) the input."""
    video_id = f"bench-{language.value}-{style.value}-{blocks}b"
    root = workdir / video_id
    brief = ScriptBrief(theme=THEME, style=style, language=language, block_count=blocks)
    script = DemoScriptWriter().write_script(brief)
    script_json = root / "scripts" / f"{video_id}.json"
    source = root / "veo31_videos" / f"{video_id}.mp4"
    block_dir = root / "veo31_videos" / video_id
    intermediates = [block_dir / f"block-{i:02d}.mp4" for i in range(blocks)]
    music = root / "music" / "calm.mp3" if with_music else None
    made = BenchInput(video_id, root, script, script_json, source, intermediates, music)
    done_marker = root / ".complete"
    if done_marker.is_file() and all(p.is_file() for p in [source, *intermediates]):
        made.render_seconds = float(done_marker.read_text() or 0)
        if music is not None and not music.is_file():
            make_music(music)
        return made
    shutil.rmtree(root, ignore_errors=True)
    block_dir.mkdir(parents=True)
    script_json.parent.mkdir(parents=True)
    script_json.write_text(
        json.dumps(script.model_dump(mode="json"), ensure_ascii=False, indent=1), encoding="utf-8"
    )
    started = time.perf_counter()
    scratch = root / "scratch"
    for block, out in zip(script.blocks, intermediates, strict=True):
        clip = scratch / f"clip-{block.index:02d}.mp4"
        render_block_clip(
            out_path=clip, seconds=block.seconds, style=style, block_index=block.index,
            visual=block.visual, dialogue=block.dialogue, language=language, workdir=scratch,
        )  # fmt: skip
        if block.index == 0:
            shutil.copyfile(clip, out)
        else:
            extend_video(intermediates[block.index - 1], clip, out, scratch)
    shutil.copyfile(intermediates[-1], source)  # the video agent's final copy
    shutil.rmtree(scratch, ignore_errors=True)
    made.render_seconds = time.perf_counter() - started
    if music is not None:
        make_music(music)
    done_marker.write_text(f"{made.render_seconds:.3f}")
    return made


def make_music(dest: Path, seconds: float = MUSIC_SECONDS) -> Path:
    """A short loopable MP3, like the seeded music/ tracks (the stack's seed renders those)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        from devstack.seed import render_music

        render_music("calm", dest)
    except (ImportError, RuntimeError):
        source = f"sine=frequency=220:duration={seconds:g}"
        subprocess.run(
            ["ffmpeg", "-y", "-v", "error", "-f", "lavfi", "-i", source, "-ac", "2",
             "-c:a", "libmp3lame", "-b:a", "128k", str(dest)],
            check=True, capture_output=True,
        )  # fmt: skip
    return dest
