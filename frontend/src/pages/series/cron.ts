// The cron helper: the simple shapes a creator picks (every day, every weekday, some days of
// the week, at HH:MM) to and from the five-field cron the API takes, and any cron in words.
import type { TFunction } from "i18next";

export type Frequency = "daily" | "weekdays" | "weekly" | "custom";

export interface CronChoice {
  frequency: Frequency;
  /** "HH:MM", 24 h. */
  time: string;
  /** Days of the week for "weekly", 0 = Sunday … 6 = Saturday (cron's numbering). */
  days: number[];
  /** The raw five fields for "custom". */
  custom: string;
}

export const DEFAULT_CHOICE: CronChoice = { frequency: "weekdays", time: "09:00", days: [1], custom: "0 9 * * 1-5" };

const TIME = /^([01]?\d|2[0-3]):([0-5]\d)$/;

export function validTime(time: string): boolean {
  return TIME.test(time);
}

/** The cron line for a choice (null: the time or the days are not valid yet). */
export function toCron(choice: CronChoice): string | null {
  if (choice.frequency === "custom") return choice.custom.trim().split(/\s+/).join(" ") || null;
  const match = TIME.exec(choice.time);
  if (!match) return null;
  const [hour, minute] = [Number(match[1]), Number(match[2])];
  const days =
    choice.frequency === "daily" ? "*" : choice.frequency === "weekdays" ? "1-5" : [...new Set(choice.days)].sort().join(",");
  if (!days) return null;
  return `${minute} ${hour} * * ${days}`;
}

function dayList(field: string): number[] | null {
  if (field === "*") return [0, 1, 2, 3, 4, 5, 6];
  if (field === "1-5") return [1, 2, 3, 4, 5];
  if (!/^[0-7](,[0-7])*$/.test(field)) return null;
  return [...new Set(field.split(",").map((d) => Number(d) % 7))].sort();
}

/** The simple shape a cron line is, or "custom" (what the form opens with when editing). */
export function fromCron(cron: string): CronChoice {
  const fields = cron.trim().split(/\s+/);
  const custom: CronChoice = { ...DEFAULT_CHOICE, frequency: "custom", custom: cron.trim() };
  if (fields.length !== 5) return custom;
  const [minute, hour, dom, month, dow] = fields;
  if (!/^\d{1,2}$/.test(minute) || !/^\d{1,2}$/.test(hour) || dom !== "*" || month !== "*") return custom;
  if (Number(minute) > 59 || Number(hour) > 23) return custom;
  const days = dayList(dow);
  if (!days) return custom;
  const time = `${hour.padStart(2, "0")}:${minute.padStart(2, "0")}`;
  if (dow === "*") return { ...custom, frequency: "daily", time, days: [1] };
  if (dow === "1-5") return { ...custom, frequency: "weekdays", time, days: [1] };
  return { ...custom, frequency: "weekly", time, days };
}

/** Monday-first, as people read a week. */
export const WEEK = [1, 2, 3, 4, 5, 6, 0];

export function dayName(day: number, language: string, width: "long" | "short" = "long"): string {
  // 4 January 2026 was a Sunday: day d is 4 + d January, read in UTC.
  return new Intl.DateTimeFormat(language, { weekday: width, timeZone: "UTC" }).format(new Date(Date.UTC(2026, 0, 4 + day)));
}

/** "every weekday at 09:00 Europe/Paris", in the UI's language; any other cron as itself. */
export function describeCron(t: TFunction, cron: string, zone: string, language: string): string {
  const choice = fromCron(cron);
  const options = { time: choice.time, zone };
  if (choice.frequency === "daily") return t("series:cron.daily", options);
  if (choice.frequency === "weekdays") return t("series:cron.weekdays", options);
  if (choice.frequency === "weekly") {
    const names = WEEK.filter((d) => choice.days.includes(d)).map((d) => dayName(d, language));
    const days = new Intl.ListFormat(language, { style: "long", type: "conjunction" }).format(names);
    return t("series:cron.weekly", { ...options, days });
  }
  return t("series:cron.custom", { cron: choice.custom, zone });
}

/** The time zones a browser knows (IANA names), the creator's own first. */
export function timeZones(): string[] {
  const own = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const known = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return [...new Set([own, "UTC", ...known].filter(Boolean))];
}

/** An instant in the series' own zone: "Mon, 7 Dec 2026, 09:00". */
export function formatInZone(iso: string, zone: string, language: string): string {
  return new Intl.DateTimeFormat(language, {
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZone: zone,
  }).format(new Date(iso));
}
