import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { failing, renderWithApp, stubApi } from "../../test/render";
import AdminPage from "./AdminPage";

afterEach(() => vi.unstubAllGlobals());

const ann = { uid: "u1", email: "ann@example.com", email_verified: true, roles: [], created_at: null, credits: 4, videos: 7 };

describe("Admin page", () => {
  it("shows loading, error and empty states", async () => {
    stubApi({ "/admin/users": "pending" });
    const first = renderWithApp(<AdminPage />);
    expect(await screen.findByRole("status")).toHaveTextContent("Loading");
    first.unmount();
    stubApi({ "/admin/users": failing("forbidden", 403) });
    const second = renderWithApp(<AdminPage />);
    expect(await screen.findByTestId("error-state")).toHaveTextContent("You are not allowed to do this.");
    second.unmount();
    stubApi({ "/admin/users": { body: { users: [], limit: 200 } } });
    renderWithApp(<AdminPage />);
    expect(await screen.findByTestId("empty-state")).toHaveTextContent("No users yet");
  });

  it("lists users with credits and videos and removes credits with a reason", async () => {
    const fetchMock = stubApi({
      "GET /admin/users": { body: { users: [ann], limit: 200 } },
      "POST /billing/admin/credits": { body: { creator_id: "u1", applied: -2, credits: 2 } },
    });
    renderWithApp(<AdminPage />);
    const row = (await screen.findByText("ann@example.com")).closest("tr")!;
    expect(row).toHaveTextContent("4");
    expect(row).toHaveTextContent("7");
    await userEvent.click(within(row).getByRole("button", { name: "Grant or remove credits for ann@example.com" }));
    const dialog = await screen.findByRole("dialog");
    await userEvent.click(within(dialog).getByRole("radio", { name: "Remove" }));
    await userEvent.clear(within(dialog).getByRole("textbox", { name: "Credits" }));
    await userEvent.type(within(dialog).getByRole("textbox", { name: "Credits" }), "2");
    await userEvent.click(within(dialog).getByRole("button", { name: "Remove" }));
    expect(await within(dialog).findByText("Give a reason of 3 to 200 characters.")).toBeInTheDocument();
    await userEvent.type(within(dialog).getByRole("textbox", { name: /Reason/ }), "duplicate purchase");
    await userEvent.click(within(dialog).getByRole("button", { name: "Remove" }));
    await waitFor(() => {
      const post = fetchMock.mock.calls.find(([, i]) => i?.method === "POST");
      expect(post && JSON.parse(String(post[1]!.body))).toEqual({ creator_id: "u1", credits: -2, reason: "duplicate purchase" });
    });
  });

  it("lists the music catalogue", async () => {
    stubApi({
      "/admin/users": { body: { users: [], limit: 200 } },
      "/music": { body: { tracks: [{ track_id: "calm", name: "Calm", category: "calm", duration: 64, license: "CC0" }] } },
    });
    renderWithApp(<AdminPage />);
    await userEvent.click(await screen.findByRole("tab", { name: "Music catalogue" }));
    expect(await screen.findByTestId("music")).toHaveTextContent("Calm");
    expect(screen.getByRole("button", { name: "Retire Calm" })).toBeInTheDocument();
  });
});
