"""Every collection account deletion and export walk has its owner query registered."""

from __future__ import annotations

from shortvideo.accounts.registry import OWNED_COLLECTIONS, job_media_prefixes
from shortvideo.queries import QUERIES
from shortvideo.stages.assemble_stage import output_objects
from shortvideo.stages.narration import line_object
from shortvideo.stages.script_stage import script_object
from shortvideo.stages.video_segments import frame_object, tail_object


def test_every_owned_collection_has_a_registered_owner_query() -> None:
    single = {(q.collection, q.filters[0].field) for q in QUERIES
              if len(q.filters) == 1 and q.filters[0].op == "==" and not q.order}
    for entry in OWNED_COLLECTIONS:
        assert (entry.collection, entry.owner_field) in single, entry


def test_every_object_a_job_writes_is_under_its_media_prefixes() -> None:
    video_id = "job_1"
    written = [script_object(video_id), frame_object(video_id, 2), tail_object(video_id, 3),
               line_object(video_id, "Rasalgethi", 1), *output_objects(video_id).values()]
    for name in written:
        assert name.startswith(job_media_prefixes(video_id)), name
    # ...and never under another job's, even one whose id starts the same.
    for name in written:
        assert not name.startswith(job_media_prefixes("job")), name
