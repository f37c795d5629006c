import { describe, expect, it } from "vitest";
import i18n from "../../i18n";
import { describeCron, fromCron, toCron, DEFAULT_CHOICE } from "./cron";

const t = i18n.getFixedT("en");

describe("cron helper", () => {
  it("builds the five fields of each simple shape", () => {
    expect(toCron({ ...DEFAULT_CHOICE, frequency: "daily", time: "07:05" })).toBe("5 7 * * *");
    expect(toCron({ ...DEFAULT_CHOICE, frequency: "weekdays", time: "09:00" })).toBe("0 9 * * 1-5");
    expect(toCron({ ...DEFAULT_CHOICE, frequency: "weekly", time: "18:30", days: [5, 1, 1] })).toBe("30 18 * * 1,5");
    expect(toCron({ ...DEFAULT_CHOICE, frequency: "weekly", days: [] })).toBeNull();
    expect(toCron({ ...DEFAULT_CHOICE, frequency: "daily", time: "24:00" })).toBeNull();
    expect(toCron({ ...DEFAULT_CHOICE, frequency: "custom", custom: "  */30   * * * * " })).toBe("*/30 * * * *");
  });

  it("reads a cron back into the shape it came from", () => {
    for (const cron of ["5 7 * * *", "0 9 * * 1-5", "30 18 * * 1,5"]) expect(toCron(fromCron(cron))).toBe(cron);
    expect(fromCron("0 9 * * 0,7").days).toEqual([0]);
    expect(fromCron("0 9,18 * * *").frequency).toBe("custom");
    expect(fromCron("0 9 1 * *").frequency).toBe("custom");
  });

  it("says a cron in words with its zone", () => {
    expect(describeCron(t, "0 9 * * 1-5", "Europe/Paris", "en")).toBe("every weekday at 09:00 Europe/Paris");
    expect(describeCron(t, "5 7 * * *", "UTC", "en")).toBe("every day at 07:05 UTC");
    expect(describeCron(t, "30 18 * * 5,1", "America/New_York", "en")).toBe(
      "every Monday and Friday at 18:30 America/New_York",
    );
    expect(describeCron(t, "*/30 * * * *", "UTC", "en")).toBe("on the cron schedule */30 * * * * (UTC)");
  });
});
