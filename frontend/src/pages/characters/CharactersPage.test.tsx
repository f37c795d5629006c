import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { failing, renderWithApp, stubApi } from "../../test/render";
import CharactersPage from "./CharactersPage";
import { validateCharacter, type CharacterDraft } from "./CharacterForm";

const nova = { character_id: "nova", name: "Nova", description: "A robot", style: "anime", image_url: "/media/characters/nova.png", shared: true };
const mine = { character_id: "c1", name: "Pip", description: "A small fox", style: "sketch", image_url: null, shared: false };

afterEach(() => vi.unstubAllGlobals());

describe("Characters page", () => {
  it("shows loading, then the error with a retry", async () => {
    stubApi({ "/characters": "pending" });
    renderWithApp(<CharactersPage />);
    expect(await screen.findByRole("status")).toHaveTextContent("Loading");
  });

  it("shows the error state when the list fails", async () => {
    stubApi({ "/characters": failing() });
    renderWithApp(<CharactersPage />);
    expect(await screen.findByTestId("error-state")).toHaveTextContent("Something went wrong on our side");
    expect(screen.getByRole("button", { name: "Try again" })).toBeInTheDocument();
  });

  it("shows the empty state", async () => {
    stubApi({ "/characters": { body: { characters: [] } } });
    renderWithApp(<CharactersPage />);
    expect(await screen.findByTestId("empty-state")).toHaveTextContent("No characters yet");
  });

  it("lists characters with a preselected Create link; only mine can be deleted, after confirming", async () => {
    const fetchMock = stubApi({ "GET /characters": { body: { characters: [mine, nova] } }, "DELETE /characters/c1": { body: { deleted: true } } });
    renderWithApp(<CharactersPage />);
    const pip = await screen.findByRole("article", { name: "Pip" });
    expect(within(pip).getByRole("link", { name: "Create a video with Pip" })).toHaveAttribute("href", "/create?character=c1");
    const shared = screen.getByRole("article", { name: "Nova" });
    expect(within(shared).queryByRole("button", { name: /Delete/ })).toBeNull();
    expect(within(shared).getByRole("img", { name: "Picture of Nova" })).toHaveAttribute("src", "/api/media/characters/nova.png");
    await userEvent.click(within(pip).getByRole("button", { name: "Delete Pip" }));
    const dialog = await screen.findByRole("dialog", { name: "Delete Pip?" });
    expect(fetchMock.mock.calls.some(([, init]) => init?.method === "DELETE")).toBe(false);
    await userEvent.click(within(dialog).getByRole("button", { name: "Delete" }));
    await waitFor(() => expect(fetchMock.mock.calls.some(([url, init]) => init?.method === "DELETE" && String(url) === "/api/characters/c1")).toBe(true));
  });

  it("refuses an empty form without calling the API, and shows the API's refusal", async () => {
    const fetchMock = stubApi({ "GET /characters": { body: { characters: [] } }, "POST /characters": failing("rate_limited", 429) });
    renderWithApp(<CharactersPage />);
    await userEvent.click(await screen.findByRole("button", { name: "Draw the character" }));
    expect(screen.getAllByText("Required.")).toHaveLength(2);
    expect(fetchMock.mock.calls.some(([, init]) => init?.method === "POST")).toBe(false);
    await userEvent.type(screen.getByRole("textbox", { name: /Name/ }), "Pip");
    await userEvent.type(screen.getByRole("textbox", { name: /Description/ }), "A small fox");
    await userEvent.click(screen.getByRole("button", { name: "Draw the character" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Too many requests");
    const [, init] = fetchMock.mock.calls.find(([, i]) => i?.method === "POST")!;
    expect(JSON.parse(String(init!.body))).toEqual({ name: "Pip", description: "A small fox", style: "cinematic" });
  });
});

describe("validateCharacter", () => {
  const base: CharacterDraft = { mode: "upload", name: "Pip", description: "A fox", style: "anime", image: null };
  it("wants a PNG or JPEG of at most 5 MB when uploading", () => {
    expect(validateCharacter(base)).toEqual({ image: "form.imageRequired" });
    expect(validateCharacter({ ...base, image: new File(["x"], "a.gif", { type: "image/gif" }) })).toEqual({ image: "form.imageType" });
    const big = new File([new Uint8Array(5 * 1024 * 1024 + 1)], "a.png", { type: "image/png" });
    expect(validateCharacter({ ...base, image: big })).toEqual({ image: "form.imageSize" });
    expect(validateCharacter({ ...base, image: new File(["x"], "a.png", { type: "image/png" }) })).toEqual({});
    expect(validateCharacter({ ...base, mode: "describe", name: "x".repeat(61) })).toEqual({ name: "form.tooLong" });
  });
});
