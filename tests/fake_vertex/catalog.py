"""What Vertex AI serves and says, as the fake knows it: model ids, voices, refusal texts.

Everything here comes from the Vertex docs (see docs/decisions/0007-strict-vertex-fake.md for the
pages), never from the product: a wrong assumption in the product must not be mirrored here.
"""

from __future__ import annotations

from typing import Any

STATUS_NAMES = {
    400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
    409: "ABORTED", 429: "RESOURCE_EXHAUSTED", 499: "CANCELLED", 500: "INTERNAL",
    501: "NOT_IMPLEMENTED", 503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED",
}  # fmt: skip
RPC_INVALID_ARGUMENT = 3  # google.rpc.Code of an operation refused for its request

_REGIONAL = ("us-central1", "global")
_GLOBAL_ONLY = ("global", "us", "eu")  # Gemini 3.8 TTS: global and the us/eu multi-regions
# Model id -> locations, per REST method. predictLongRunning and fetchPredictOperation are Veo's.
_VEO = {
    "veo-3.1-generate-001": ("us-central1",),
    "veo-3.1-fast-generate-001": ("us-central1",),
    "veo-3.1-lite-generate-001": ("us-central1",),
    "veo-3.1-generate-preview": ("us-central1",),
    "veo-3.1-fast-generate-preview": ("us-central1",),
}
DEFAULT_MODELS: dict[str, dict[str, tuple[str, ...]]] = {
    "generateContent": {
        "gemini-2.5-flash": _REGIONAL,
        "gemini-2.5-pro": _REGIONAL,
        "gemini-2.5-flash-lite": _REGIONAL,
        "gemini-2.5-flash-image": _REGIONAL,
        "gemini-2.5-flash-tts": _REGIONAL,
        "gemini-2.5-pro-tts": _REGIONAL,
        "gemini-2.5-flash-lite-preview-tts": _REGIONAL,
        "gemini-3.1-flash-tts-preview": _GLOBAL_ONLY,
        "gemini-3.8-flash-tts": _GLOBAL_ONLY,
        "gemini-3.8-flash-lite-tts": _GLOBAL_ONLY,
    },
    "predictLongRunning": dict(_VEO),
    "fetchPredictOperation": dict(_VEO),
}
VEO_31_MODELS = frozenset(m for m in _VEO if m.startswith("veo-3.1"))


def model_not_found(project: str, location: str, model: str) -> str:
    """Vertex's 404 text for a model id it does not serve there (seen verbatim in the wild)."""
    return (
        f"Publisher Model `projects/{project}/locations/{location}/publishers/google/models/"
        f"{model}` was not found or your project does not have access to it. Please ensure you "
        "are using a valid model version. For more information, see: "
        "https://cloud.google.com/vertex-ai/generative-ai/docs/learn/model-versions"
    )


# Veo's safety-code table (Responsible AI and usage guidelines for Veo): category -> codes.
SUPPORT_CODES: dict[str, tuple[str, ...]] = {
    "child": ("58061214", "17301594"),
    "celebrity": ("29310472", "15236754"),
    "video_safety": ("64151117", "42237218"),
    "dangerous": ("62263041",),
    "hate": ("57734940", "22137204"),
    "other": ("74803281", "29578790", "42876398"),
    "person_face": ("39322892",),
    "prohibited": ("89371032", "49114662", "72817394"),
    "sexual": ("90789179", "43188360"),
    "toxic": ("78610348",),
    "violence": ("61493863", "56562880"),
    "vulgar": ("32635315",),
}
CATEGORY_OF_CODE = {code: cat for cat, codes in SUPPORT_CODES.items() for code in codes}
ALL_SUPPORT_CODES = tuple(CATEGORY_OF_CODE)
DEFAULT_SUPPORT_CODE = SUPPORT_CODES["child"][0]


def usage_guidelines_message(code: str, wording: str = "prompt") -> str:
    """The refusal text: "prompt" as Veo answered a prompt, "input" as the docs quote it."""
    if wording == "input":
        return (
            "Veo could not generate videos because the input image violates Vertex AI's usage "
            f"guidelines. If you think this was an error, send feedback. Support codes: {code}"
        )
    return (
        "The prompt could not be submitted. This prompt contains sensitive words that violate "
        "Google's Responsible AI practices. Try rephrasing your prompt, or contact your Google "
        f"representative to request allowlisting. Support codes: {code}"
    )


def support_code_for(behaviour: dict[str, Any]) -> str:
    """A behaviour's support code: given, or the first of its category, or the table's first."""
    code = behaviour.get("support_code")
    if code:
        return str(code)
    category = str(behaviour.get("category") or "")
    return SUPPORT_CODES[category][0] if category in SUPPORT_CODES else DEFAULT_SUPPORT_CODE


# Gemini TTS prebuilt voices (Gemini-TTS voice options).
GEMINI_VOICES = (
    "Achernar", "Achird", "Algenib", "Algieba", "Alnilam", "Aoede", "Autonoe", "Callirrhoe",
    "Charon", "Despina", "Enceladus", "Erinome", "Fenrir", "Gacrux", "Iapetus", "Kore",
    "Laomedeia", "Leda", "Orus", "Pulcherrima", "Puck", "Rasalgethi", "Sadachbia", "Sadaltager",
    "Schedar", "Sulafat", "Umbriel", "Vindemiatrix", "Zephyr", "Zubenelgenubi",
)  # fmt: skip
TTS_RATE = 24000

# Gemini 2.5 Flash Image output sizes per aspect ratio (its docs' resolution table).
IMAGE_SIZES = {
    "1:1": (1024, 1024), "2:3": (832, 1248), "3:2": (1248, 832), "3:4": (864, 1184),
    "4:3": (1184, 864), "4:5": (896, 1152), "5:4": (1152, 896), "9:16": (768, 1344),
    "16:9": (1344, 768), "21:9": (1536, 672),
}  # fmt: skip


class ApiError(Exception):
    """An HTTP error answered with a Google error body."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def error_body(status: int, message: str) -> dict[str, Any]:
    return {
        "error": {"code": status, "message": message, "status": STATUS_NAMES.get(status, "UNKNOWN")}
    }
