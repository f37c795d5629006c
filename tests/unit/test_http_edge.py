import pytest

from shortvideo.errors import ConfigError, InvalidRequest
from shortvideo.http import doorbell_video_id
from shortvideo.settings import settings_from


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "video_id"),
        ({"video_id": 7}, "video_id"),
        ({"video_id": "a/b"}, "video_id"),
        ({"video_id": ""}, "video_id"),
        ({"video_id": "a", "x": 1}, "x"),
    ],
)
def test_doorbell_body_is_exactly_a_video_id(payload, field):
    with pytest.raises(InvalidRequest) as err:
        doorbell_video_id(payload)
    assert err.value.field == field


def test_backoff_schedule_and_settings_validation():
    settings = settings_from({})
    assert [settings.backoff_for(n) for n in (1, 2, 3, 4)] == [60, 180, 600, 600]
    assert settings.model_provider == "demo"
    assert settings_from({"VERTEX_PROJECT": "p"}).model_provider == "google"
    with pytest.raises(ConfigError):
        settings_from({"PIPELINE_PROVIDER": "openai"})
    with pytest.raises(ConfigError):
        settings_from({"LEASE_SECONDS": "1"})
