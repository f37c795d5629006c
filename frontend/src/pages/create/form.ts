// The create form's values, validation and request body (pure: tested in form.test.ts).
import { LENGTHS, MAX_THEME_CHARS, type Language, type Pricing, type BillingStatus, type Style } from "../../api/types";

export interface CreateValues {
  theme: string;
  style: Style;
  language: Language;
  characterId: string; // "" = none
  music: string; // "" = none
  voice: string; // "" = Veo's own audio
  targetSeconds: (typeof LENGTHS)[number];
}

export type CreateErrors = Partial<Record<keyof CreateValues, string>>;

export function initialValues(language: Language, characterId = ""): CreateValues {
  return { theme: "", style: "cinematic", language, characterId, music: "", voice: "", targetSeconds: 64 };
}

/** Keys of create.json's "validation" block, per field. */
export function validate(values: CreateValues): CreateErrors {
  const errors: CreateErrors = {};
  const theme = values.theme.trim();
  if (!theme) errors.theme = "validation.themeRequired";
  else if (theme.length > MAX_THEME_CHARS) errors.theme = "validation.themeTooLong";
  // eslint-disable-next-line no-control-regex
  else if (/[\u0000-\u0008\u000b-\u001f]/.test(theme)) errors.theme = "validation.themeControl";
  if (!(LENGTHS as readonly number[]).includes(values.targetSeconds)) errors.targetSeconds = "validation.length";
  return errors;
}

export function requestBody(values: CreateValues): Record<string, unknown> {
  return {
    theme: values.theme.trim(),
    style: values.style,
    language: values.language,
    target_seconds: values.targetSeconds,
    ...(values.characterId ? { character_id: values.characterId } : {}),
    ...(values.music ? { music: values.music } : {}),
    ...(values.voice ? { voice: values.voice } : {}),
  };
}

/** The API's field names back to the form's (a 422 names the field at fault). */
export const API_FIELDS: Record<string, keyof CreateValues> = {
  theme: "theme",
  style: "style",
  language: "language",
  character_id: "characterId",
  music: "music",
  voice: "voice",
  target_seconds: "targetSeconds",
};

export type Cost =
  | { kind: "unbilled" }
  | { kind: "free" }
  | { kind: "credits"; credits: number; balance: number }
  | { kind: "nothingLeft"; credits: number; balance: number };

/** What this video uses: the month's free video (shortest length only), credits, or nothing left. */
export function costOf(seconds: number, pricing: Pricing, billing: BillingStatus): Cost {
  if (!pricing.billing_enforced) return { kind: "unbilled" };
  if (pricing.free_lengths.includes(seconds) && billing.free_left_this_month > 0) return { kind: "free" };
  const credits = pricing.credits_per_length[String(seconds)] ?? 0;
  if (billing.credits >= credits) return { kind: "credits", credits, balance: billing.credits };
  return { kind: "nothingLeft", credits, balance: billing.credits };
}
