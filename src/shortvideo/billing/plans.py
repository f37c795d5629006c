"""What the product sells and what a video costs, read from settings (decision 0017)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shortvideo.errors import ConfigError
from shortvideo.models import MIN_TARGET_SECONDS, TARGET_SECONDS_CHOICES
from shortvideo.settings import Settings


@dataclass(frozen=True)
class Offer:
    """A credit pack (one payment) or the subscription (credits each paid period)."""

    name: str
    price_id: str
    credits: int
    amount: int  # in the currency's smallest unit (cents)
    currency: str
    recurring: bool

    def view(self) -> dict[str, object]:
        return {
            "product": self.name,
            "credits": self.credits,
            "amount": self.amount,
            "currency": self.currency,
            "kind": "subscription" if self.recurring else "pack",
        }


def _offer(spec: str, currency: str, recurring: bool) -> Offer:
    parts = spec.strip().split(":")
    if len(parts) != 4 or not all(parts):
        raise ConfigError(f"an offer is name:price_id:credits:amount, not {spec!r}")
    name, price_id, credits, amount = parts
    return Offer(name, price_id, int(credits), int(amount), currency, recurring)


def packs(settings: Settings) -> tuple[Offer, ...]:
    specs = [s for s in settings.billing_packs.split(",") if s.strip()]
    return tuple(_offer(s, settings.billing_currency, False) for s in specs)


def subscription(settings: Settings) -> Offer | None:
    spec = settings.billing_subscription.strip()
    return _offer(spec, settings.billing_currency, True) if spec else None


def offers(settings: Settings) -> tuple[Offer, ...]:
    plan = subscription(settings)
    return (*packs(settings), *((plan,) if plan else ()))


def offer_named(settings: Settings, name: str) -> Offer | None:
    return next((o for o in offers(settings) if o.name == name), None)


def offer_for_price(settings: Settings, price_id: str) -> Offer | None:
    return next((o for o in offers(settings) if o.price_id == price_id), None)


def credits_for(settings: Settings, target_seconds: int) -> int:
    table: dict[int, int] = {}
    for part in settings.credits_per_length.split(","):
        seconds, _, credits = part.strip().partition(":")
        table[int(seconds)] = int(credits)
    missing = set(TARGET_SECONDS_CHOICES) - table.keys()
    if missing:
        raise ConfigError(f"CREDITS_PER_LENGTH has no price for {sorted(missing)} s")
    return table[target_seconds]


def free_eligible_length(target_seconds: int) -> bool:
    """Free videos are the shortest length only (and the fast model): no open tap of Veo money."""
    return target_seconds == MIN_TARGET_SECONDS


def month_of(now: datetime) -> str:
    """The calendar month (UTC) the free allowance counts in: computed, never reset by a cron."""
    return f"{now:%Y-%m}"
