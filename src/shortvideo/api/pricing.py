"""GET /pricing: what the product sells, for anyone (the dashboard's landing page, issue 14).

The same figures as GET /billing/status's offers, without an account: the free allowance, the
credits each length costs, the packs and the subscription. No creator data, no Stripe ids.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from shortvideo.api.openapi import errors
from shortvideo.billing import plans
from shortvideo.models import TARGET_SECONDS_CHOICES
from shortvideo.settings import Settings


class OfferView(BaseModel):
    product: str
    credits: int
    amount: int
    currency: str
    kind: str


class PricingView(BaseModel):
    free_videos_per_month: int
    free_lengths: list[int]
    credits_per_length: dict[str, int]
    offers: list[OfferView]
    billing_enforced: bool


def pricing(settings: Settings) -> dict[str, object]:
    return {
        "free_videos_per_month": settings.free_videos_per_month,
        "free_lengths": [s for s in TARGET_SECONDS_CHOICES if plans.free_eligible_length(s)],
        "credits_per_length": {str(s): plans.credits_for(settings, s)
                               for s in TARGET_SECONDS_CHOICES},
        "offers": [o.view() for o in plans.offers(settings)],
        "billing_enforced": settings.billing_enforced,
    }  # fmt: skip


def pricing_router(settings: Settings) -> APIRouter:
    router = APIRouter(tags=["billing"])
    body = pricing(settings)  # settings are built once per process

    @router.get("/pricing", response_model=PricingView, responses=errors(405, 500))
    def get_pricing() -> JSONResponse:
        # Public and the same for everyone: browsers and the CDN may keep it a few minutes.
        return JSONResponse(body, headers={"Cache-Control": "public, max-age=300"})

    return router
