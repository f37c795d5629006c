import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { failing, renderWithApp, stubApi } from "../../test/render";
import AccountPage from "./AccountPage";

afterEach(() => vi.unstubAllGlobals());

const token = { token_id: "0123456789abcdef", name: "script", prefix: "svt1_abcdefgh", created_at: "2026-12-01T10:00:00+00:00", last_used_at: null };

describe("Account page", () => {
  it("shows loading, error and empty states of the tokens", async () => {
    stubApi({ "/me/tokens": "pending" });
    const { unmount } = renderWithApp(<AccountPage />);
    expect(await screen.findByRole("status")).toHaveTextContent("Loading");
    unmount();
    stubApi({ "/me/tokens": failing() });
    const second = renderWithApp(<AccountPage />);
    expect(await screen.findByTestId("error-state")).toBeInTheDocument();
    second.unmount();
    stubApi({ "/me/tokens": { body: { tokens: [] } } });
    renderWithApp(<AccountPage />);
    expect(await screen.findByTestId("empty-state")).toHaveTextContent("No tokens");
  });

  it("shows a new token once, and revokes one after confirming", async () => {
    const fetchMock = stubApi({
      "GET /me/tokens": { body: { tokens: [token] } },
      "POST /me/tokens": { status: 201, body: { ...token, token_id: "fedcba9876543210", name: "ci", token: "svt1_secret" } },
      "DELETE /me/tokens/0123456789abcdef": { status: 204 },
    });
    renderWithApp(<AccountPage />);
    await userEvent.click(await screen.findByRole("button", { name: "Create token" }));
    expect(await screen.findByText("Give the token a name.")).toBeInTheDocument();
    await userEvent.type(screen.getByRole("textbox", { name: /Name/ }), "ci");
    await userEvent.click(screen.getByRole("button", { name: "Create token" }));
    const shown = await screen.findByRole("dialog", { name: "Your new token" });
    expect(within(shown).getByTestId("new-token")).toHaveTextContent("svt1_secret");
    await userEvent.click(within(shown).getByRole("button", { name: "Done" }));
    await userEvent.click(screen.getByRole("button", { name: "Revoke the token script" }));
    const confirm = await screen.findByRole("dialog", { name: "Revoke script?" });
    await userEvent.click(within(confirm).getByRole("button", { name: "Revoke" }));
    await waitFor(() =>
      expect(fetchMock.mock.calls.some(([url, init]) => init?.method === "DELETE" && String(url) === "/api/me/tokens/0123456789abcdef")).toBe(true),
    );
  });

  it("deletes the account only once the email is typed", async () => {
    localStorage.setItem("session-hint", "1");
    const fetchMock = stubApi({
      "GET /me": { body: { uid: "u1", email: "ann@example.com", email_verified: true, roles: [] } },
      "GET /me/tokens": { body: { tokens: [] } },
      "DELETE /me": failing("recent_sign_in_required", 403),
    });
    renderWithApp(<AccountPage />);
    await waitFor(() => expect(screen.getByTestId("account-email")).toHaveTextContent("ann@example.com"));
    await userEvent.click(screen.getByRole("button", { name: "Delete my account…" }));
    const dialog = await screen.findByRole("dialog", { name: "Delete my account" });
    const confirm = within(dialog).getByRole("button", { name: "Delete everything" });
    expect(confirm).toBeDisabled();
    await userEvent.type(within(dialog).getByRole("textbox"), "ann@example.com");
    await userEvent.click(confirm);
    expect(await within(dialog).findByText("Please sign in again to confirm it is you.")).toBeInTheDocument();
    const [, init] = fetchMock.mock.calls.find(([, i]) => i?.method === "DELETE")!;
    expect(JSON.parse(String(init!.body))).toEqual({ confirm: "delete my account" });
    localStorage.removeItem("session-hint");
  });
});
