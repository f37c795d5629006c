// Numbers as people read them, in the UI's language.
import type { TFunction } from "i18next";

export function formatDuration(t: TFunction, seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return "–";
  const whole = Math.round(seconds);
  const minutes = Math.floor(whole / 60);
  const rest = String(whole % 60).padStart(2, "0");
  return t("common:duration", { minutes, seconds: rest });
}

export function formatMoney(amountInCents: number, currency: string, language: string): string {
  return new Intl.NumberFormat(language, { style: "currency", currency: currency.toUpperCase() }).format(
    amountInCents / 100,
  );
}

export function formatTime(iso: string | null | undefined, language: string): string {
  if (!iso) return "–";
  return new Intl.DateTimeFormat(language, { hour: "2-digit", minute: "2-digit" }).format(new Date(iso));
}

export function formatDate(iso: string | null | undefined, language: string): string {
  if (!iso) return "–";
  return new Intl.DateTimeFormat(language, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
}
