// The series form's values, checks and the body they become.
import { DEFAULT_CHOICE, fromCron, toCron, validTime, type CronChoice } from "./cron";
import type { Series, SeriesSpec } from "./seriesApi";

export const MAX_THEME_CHARS = 500;
export const MAX_THEMES = 100;

export interface SeriesValues {
  name: string;
  cron: CronChoice;
  timeZone: string;
  themeMode: "list" | "prompt";
  /** One theme a line. */
  themes: string;
  themePrompt: string;
  style: string;
  language: string;
  characterId: string;
  music: string;
  voice: string;
  targetSeconds: number;
  paused: boolean;
}

export type SeriesErrors = Partial<Record<"name" | "cron" | "timeZone" | "themes" | "themePrompt", string>>;

export function blankValues(timeZone: string, language: string): SeriesValues {
  return {
    name: "", cron: DEFAULT_CHOICE, timeZone, themeMode: "list", themes: "", themePrompt: "",
    style: "cinematic", language, characterId: "", music: "", voice: "", targetSeconds: 64, paused: false,
  };
}

export function valuesOf(series: Series): SeriesValues {
  return {
    name: series.name,
    cron: fromCron(series.cron),
    timeZone: series.time_zone,
    themeMode: series.theme_prompt ? "prompt" : "list",
    themes: (series.themes ?? []).join("\n"),
    themePrompt: series.theme_prompt ?? "",
    style: series.style,
    language: series.language,
    characterId: series.character_id ?? "",
    music: series.music ?? "",
    voice: series.voice ?? "",
    targetSeconds: series.target_seconds,
    paused: series.paused,
  };
}

const themeLines = (text: string) => text.split("\n").map((line) => line.trim()).filter(Boolean);

/** Errors as translation keys of the series namespace (empty: send it). */
export function validateSeries(values: SeriesValues): SeriesErrors {
  const errors: SeriesErrors = {};
  if (!values.name.trim()) errors.name = "form.required";
  else if (values.name.trim().length > 100) errors.name = "form.nameTooLong";
  if (values.cron.frequency !== "custom" && !validTime(values.cron.time)) errors.cron = "form.badTime";
  else if (values.cron.frequency === "weekly" && values.cron.days.length === 0) errors.cron = "form.noDays";
  else if (values.cron.frequency === "custom" && toCron(values.cron)?.split(" ").length !== 5) errors.cron = "form.cronFields";
  if (!values.timeZone) errors.timeZone = "form.required";
  if (values.themeMode === "list") {
    const lines = themeLines(values.themes);
    if (lines.length === 0) errors.themes = "form.themesRequired";
    else if (lines.length > MAX_THEMES) errors.themes = "form.tooManyThemes";
    else if (lines.some((line) => line.length > MAX_THEME_CHARS)) errors.themes = "form.themeTooLong";
  } else if (!values.themePrompt.trim()) errors.themePrompt = "form.required";
  else if (values.themePrompt.trim().length > MAX_THEME_CHARS) errors.themePrompt = "form.themeTooLong";
  return errors;
}

export function specOf(values: SeriesValues): SeriesSpec {
  const list = values.themeMode === "list";
  return {
    name: values.name.trim(),
    cron: toCron(values.cron) ?? "",
    time_zone: values.timeZone,
    themes: list ? themeLines(values.themes) : null,
    theme_prompt: list ? null : values.themePrompt.trim(),
    style: values.style,
    language: values.language,
    character_id: values.characterId || null,
    music: values.music || null,
    voice: values.voice || null,
    target_seconds: values.targetSeconds,
    paused: values.paused,
  };
}

/** The API's field names back to the form's (for a 422 naming its field). */
export const FIELD_OF: Record<string, keyof SeriesErrors> = {
  name: "name", cron: "cron", time_zone: "timeZone", themes: "themes", theme_prompt: "themePrompt",
};
