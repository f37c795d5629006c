// Texts for the API's stable codes: errors.json is keyed by error code (with "." of
// content_filtered.<category> turned into "_"), status.json by job status.
import type { TFunction } from "i18next";
import { ApiError } from "../api/client";

export function errorKey(code: string): string {
  return code.replace(/\./g, "_");
}

/** A person's sentence for an API error (the code's text, else the HTTP status's). */
export function errorText(t: TFunction, error: unknown): string {
  if (error instanceof ApiError) {
    const byCode = `errors:${errorKey(error.code)}`;
    if (t(byCode, { defaultValue: "" })) return t(byCode);
    return t(`errors:http_${error.status}`, { defaultValue: t("errors:unknown") });
  }
  return t("errors:unknown");
}

export function refusalKey(code: string | null | undefined): string {
  return errorKey(code ?? "unknown");
}
