"""Refusals told apart from invalid requests, with their reason codes (SDK objects made here)."""

from typing import Any

import pytest
from google.genai import errors as genai_errors
from google.genai import types

from shortvideo.adapters import vertex_refusals
from shortvideo.adapters.genai_client import provider_error
from shortvideo.adapters.google_image import _image_bytes
from shortvideo.adapters.google_script import _response_text
from shortvideo.adapters.google_video import operation_status
from shortvideo.errors import ContentFiltered, ProviderError, ProviderRejected, QuotaExceeded

# The wording of Veo's refusal (the safety-code page's sample and the quote).
REFUSAL = (
    "The prompt could not be submitted. This prompt contains words that violate Vertex AI's "
    "usage guidelines. If you think this was an error, send feedback. Support codes: {codes}"
)


def client_error(code: int, message: str, status: str = "INVALID_ARGUMENT") -> Exception:
    body = {"error": {"code": code, "message": message, "status": status}}
    if code >= 500:
        return genai_errors.ServerError(code, body)
    return genai_errors.ClientError(code, body)


@pytest.mark.parametrize(
    ("codes", "category"),
    [
        ("58061214", "child"), ("17301594", "child"), ("29310472", "celebrity"),
        ("64151117", "video_safety"), ("62263041", "dangerous"), ("22137204", "hate"),
        ("42876398", "other"), ("60599140", "prohibited"), ("35561575", "third_party"),
        ("43188360", "sexual"), ("78610348", "toxic"), ("56562880", "violence"),
        ("32635315", "vulgar"), ("39322892", "person"),
        ("11111111, 61493863", "violence"),  # the first KNOWN code
    ],
)  # fmt: skip
def test_a_sync_400_refusal_is_content_filtered_with_its_category(codes, category):
    error = provider_error(client_error(400, REFUSAL.format(codes=codes)), "Veo block 3")
    assert type(error) is ContentFiltered and error.retryable is False
    assert error.code == f"content_filtered.{category}"
    assert error.category == category
    assert "Veo block 3 was refused" in error.message and "Support codes" in error.message


def test_a_refusal_without_a_known_code_is_other_and_person_generation_is_person():
    unknown = provider_error(client_error(400, REFUSAL.format(codes="12345678")), "Veo")
    assert unknown.code == "content_filtered.other"
    person = provider_error(
        client_error(400, "The prompt could not be submitted: person generation is not "
                          "allowed for this project."), "Veo")  # fmt: skip
    assert person.code == "content_filtered.person"


@pytest.mark.parametrize(
    "message",
    ["Unsupported input video.", "Video duration must be between 1 and 30 seconds.",
     "Invalid value for personGeneration.", "durationSeconds 9 is not supported"],
)  # fmt: skip
def test_an_invalid_request_400_is_rejected_not_filtered(message):
    error = provider_error(client_error(400, message), "Veo block 1")
    assert type(error) is ProviderRejected and error.retryable is False
    assert error.code == "provider_rejected" and message in error.message


def test_server_errors_and_quota_stay_retryable_even_with_refusal_words():
    assert type(provider_error(client_error(503, REFUSAL.format(codes="58061214"),
                                            "UNAVAILABLE"), "Veo")) is ProviderError  # fmt: skip
    quota = provider_error(client_error(429, "Quota exceeded", "RESOURCE_EXHAUSTED"), "Veo")
    assert type(quota) is QuotaExceeded and quota.retryable


def op(**fields: Any) -> types.GenerateVideosOperation:
    return types.GenerateVideosOperation(name="projects/p/operations/1", done=True, **fields)


def test_an_operation_refused_with_code_3_is_filtered_with_its_reason_code():
    status = operation_status(op(error={"code": 3, "message": REFUSAL.format(codes="61493863")}))
    assert status.done and status.filtered and status.retryable is False
    assert status.error_code == "content_filtered.violence"
    assert "violent" in status.error_message


@pytest.mark.parametrize(("code", "retryable"), [(3, False), (9, False), (13, True), (14, True)])
def test_an_operation_error_is_retryable_only_when_not_deterministic(code, retryable):
    status = operation_status(op(error={"code": code, "message": "Unsupported input video."}))
    assert status.done and not status.filtered and status.retryable is retryable


def test_rai_filtered_output_takes_its_category_from_the_reasons():
    response = types.GenerateVideosResponse(
        rai_media_filtered_count=1,
        rai_media_filtered_reasons=["Veo could not generate videos because the input image "
                                    "violates usage guidelines. Support codes: 15236754"],
    )  # fmt: skip
    status = operation_status(op(response=response))
    assert status.filtered and status.error_code == "content_filtered.celebrity"


def gemini(finish: str, parts: list[types.Part], harms: tuple[str, ...] = ()):
    ratings = [types.SafetyRating(category=h, blocked=True) for h in harms]
    candidate = types.Candidate(
        content=types.Content(role="model", parts=parts), finish_reason=finish,
        safety_ratings=ratings or None,
    )  # fmt: skip
    return types.GenerateContentResponse(candidates=[candidate])


PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 16
IMAGE = types.Part(inline_data=types.Blob(data=PNG, mime_type="image/png"))
TEXT = types.Part(text="Here is your character.")


@pytest.mark.parametrize(
    ("finish", "harms", "code"),
    [
        ("SAFETY", ("HARM_CATEGORY_SEXUALLY_EXPLICIT",), "content_filtered.sexual"),
        ("SAFETY", (), "content_filtered.other"),
        ("PROHIBITED_CONTENT", (), "content_filtered.prohibited"),
        ("IMAGE_SAFETY", ("HARM_CATEGORY_IMAGE_DANGEROUS_CONTENT",), "content_filtered.dangerous"),
        ("IMAGE_PROHIBITED_CONTENT", (), "content_filtered.prohibited"),
    ],
)
def test_image_refusals_are_content_filtered(finish, harms, code):
    with pytest.raises(ContentFiltered) as caught:
        _image_bytes(gemini(finish, [TEXT], harms), "gemini-2.5-flash-image")
    assert caught.value.code == code and not caught.value.retryable


@pytest.mark.parametrize("finish", ["NO_IMAGE", "MAX_TOKENS", "STOP"])
def test_no_image_for_another_reason_is_a_retryable_provider_error(finish):
    with pytest.raises(ProviderError) as caught:
        _image_bytes(gemini(finish, [TEXT]), "gemini-2.5-flash-image")
    assert type(caught.value) is ProviderError and caught.value.retryable
    assert finish in caught.value.message and "Here is your character." in caught.value.message


def test_a_text_part_before_the_image_is_fine():
    assert _image_bytes(gemini("STOP", [TEXT, IMAGE]), "gemini-2.5-flash-image") == PNG


@pytest.mark.parametrize(
    ("finish", "harms", "code"),
    [("SAFETY", ("HARM_CATEGORY_HATE_SPEECH",), "content_filtered.hate"),
     ("PROHIBITED_CONTENT", (), "content_filtered.prohibited")],
)  # fmt: skip
def test_the_script_writer_refusals_are_content_filtered_even_after_some_text(finish, harms, code):
    response = gemini(finish, [types.Part(text='{"title": "x", "blo')], harms)
    with pytest.raises(ContentFiltered) as caught:
        _response_text(response, "gemini-2.5-flash", "the script prompt")
    assert caught.value.code == code


def test_a_blocked_prompt_is_content_filtered():
    response = types.GenerateContentResponse(
        prompt_feedback=types.GenerateContentResponsePromptFeedback(
            block_reason="PROHIBITED_CONTENT"
        )
    )
    with pytest.raises(ContentFiltered) as caught:
        _response_text(response, "gemini-2.5-flash", "the script prompt")
    assert caught.value.code == "content_filtered.prohibited"


def test_every_category_has_a_hint_for_the_creator():
    categories = set(vertex_refusals.SUPPORT_CODE_CATEGORIES.values())
    categories |= set(vertex_refusals.HARM_CATEGORIES.values())
    categories |= set(vertex_refusals.REFUSAL_FINISH_REASONS.values()) | {"person"}
    assert categories <= set(vertex_refusals.CATEGORY_HINTS)
