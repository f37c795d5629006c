import { describe, expect, it } from "vitest";
import { costOf, initialValues, requestBody, validate } from "./form";
import type { BillingStatus, Pricing } from "../../api/types";

const pricing: Pricing = {
  free_videos_per_month: 1,
  free_lengths: [64],
  credits_per_length: { "64": 1, "71": 2, "78": 2, "85": 2 },
  offers: [],
  billing_enforced: true,
};
const billing = (free: number, credits: number): BillingStatus => ({
  plan: null,
  free_left_this_month: free,
  free_allowance: 1,
  credits,
  renews_at: null,
  offers: [],
});

describe("create form validation", () => {
  it("needs a theme", () => {
    expect(validate(initialValues("en")).theme).toBe("validation.themeRequired");
    expect(validate({ ...initialValues("en"), theme: "   " }).theme).toBe("validation.themeRequired");
  });
  it("refuses a theme over 500 characters and control characters", () => {
    expect(validate({ ...initialValues("en"), theme: "a".repeat(501) }).theme).toBe("validation.themeTooLong");
    expect(validate({ ...initialValues("en"), theme: "a".repeat(500) })).toEqual({});
    expect(validate({ ...initialValues("en"), theme: "a\u0007b" }).theme).toBe("validation.themeControl");
    expect(validate({ ...initialValues("en"), theme: "line\nnext" })).toEqual({});
  });
  it("offers only the real lengths", () => {
    const values = { ...initialValues("en"), theme: "x", targetSeconds: 60 as 64 };
    expect(validate(values).targetSeconds).toBe("validation.length");
  });
  it("sends only the chosen options, trimmed", () => {
    expect(requestBody({ ...initialValues("fr"), theme: "  octopus  " })).toEqual({
      theme: "octopus",
      style: "cinematic",
      language: "fr",
      target_seconds: 64,
    });
    const full = { ...initialValues("es", "c1"), theme: "t", music: "calm", voice: "Kore", targetSeconds: 85 as const };
    expect(requestBody(full)).toMatchObject({ character_id: "c1", music: "calm", voice: "Kore", target_seconds: 85 });
  });
});

describe("cost line", () => {
  it("uses the free video for the shortest length while one is left", () => {
    expect(costOf(64, pricing, billing(1, 0))).toEqual({ kind: "free" });
    expect(costOf(71, pricing, billing(1, 5))).toEqual({ kind: "credits", credits: 2, balance: 5 });
  });
  it("says nothing is left when credits are short", () => {
    expect(costOf(64, pricing, billing(0, 0))).toEqual({ kind: "nothingLeft", credits: 1, balance: 0 });
    expect(costOf(85, pricing, billing(0, 1))).toEqual({ kind: "nothingLeft", credits: 2, balance: 1 });
  });
  it("costs nothing where billing is off", () => {
    expect(costOf(85, { ...pricing, billing_enforced: false }, billing(0, 0))).toEqual({ kind: "unbilled" });
  });
});
