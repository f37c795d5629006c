import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import i18n from "../../i18n";
import { failing, renderWithApp, stubApi } from "../../test/render";
import BillingPage from "./BillingPage";
import { reasonText } from "./billingApi";

const status = {
  plan: null,
  free_left_this_month: 0,
  free_allowance: 1,
  credits: 3,
  renews_at: null,
  offers: [
    { product: "pack_5", credits: 5, amount: 500, currency: "eur", kind: "pack" },
    { product: "monthly", credits: 10, amount: 900, currency: "eur", kind: "subscription" },
  ],
};

afterEach(() => vi.unstubAllGlobals());

describe("Billing page", () => {
  it("shows loading while the status comes", async () => {
    stubApi({ "/billing/status": "pending", "/billing/history": "pending" });
    renderWithApp(<BillingPage />);
    expect((await screen.findAllByRole("status"))[0]).toHaveTextContent("Loading");
  });

  it("shows the error state", async () => {
    stubApi({ "/billing/status": failing("billing_unavailable", 503), "/billing/history": failing() });
    renderWithApp(<BillingPage />);
    expect((await screen.findAllByTestId("error-state"))[0]).toHaveTextContent("Payments are unavailable");
  });

  it("shows what is left, the offers and an empty history", async () => {
    stubApi({ "/billing/status": { body: status }, "/billing/history": { body: { entries: [] } } });
    renderWithApp(<BillingPage />);
    expect(await screen.findByTestId("free-left")).toHaveTextContent("0 of 1 left this month");
    expect(screen.getByTestId("credits")).toHaveTextContent("3 credits");
    expect(screen.getByTestId("plan")).toHaveTextContent("No subscription");
    expect(screen.getByRole("button", { name: "Buy the pack of 5 credits" })).toBeEnabled();
    expect(await screen.findByTestId("empty-state")).toHaveTextContent("Nothing yet");
  });

  it("goes to the checkout page the API answers", async () => {
    const assign = vi.fn();
    vi.stubGlobal("location", { ...window.location, assign });
    const fetchMock = stubApi({
      "/billing/status": { body: status },
      "/billing/history": { body: { entries: [] } },
      "POST /billing/checkout": { body: { url: "http://stripe.test/pay/cs_1" } },
    });
    renderWithApp(<BillingPage />);
    await userEvent.click(await screen.findByRole("button", { name: "Buy the pack of 5 credits" }));
    await waitFor(() => expect(assign).toHaveBeenCalledWith("http://stripe.test/pay/cs_1"));
    const [, init] = fetchMock.mock.calls.find(([, i]) => i?.method === "POST")!;
    expect(JSON.parse(String(init!.body))).toEqual({ product: "pack_5" });
  });

  it("lists the history and says a portal refusal in words", async () => {
    stubApi({
      "/billing/status": { body: status },
      "/billing/history": { body: { entries: [{ at: "2026-12-01T10:00:00+00:00", reason: "pack:pack_5", delta: 5, balance_after: 5, kind: "credits" }] } },
      "POST /billing/portal": failing("no_billing_account", 409),
    });
    renderWithApp(<BillingPage />);
    expect(await screen.findByTestId("history")).toHaveTextContent("Bought pack_5");
    expect(screen.getByTestId("history")).toHaveTextContent("+5 credits");
    await userEvent.click(screen.getByRole("button", { name: "Manage subscription" }));
    expect(await screen.findByText("You have no subscription to manage yet.")).toBeInTheDocument();
  });
});

describe("reasonText", () => {
  const t = i18n.getFixedT("en");
  it("names every ledger reason", () => {
    expect(reasonText(t, "free_video")).toBe("Free video of the month");
    expect(reasonText(t, "subscription:monthly")).toBe("Subscription (monthly)");
    expect(reasonText(t, "refund_failed")).toBe("Given back: the video failed");
    expect(reasonText(t, "something_new")).toBe("something_new");
  });
});
