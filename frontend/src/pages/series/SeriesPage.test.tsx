import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Route, Routes } from "react-router";
import { failing, renderWithApp, stubApi } from "../../test/render";
import SeriesDetailPage from "./SeriesDetailPage";
import SeriesPage from "./SeriesPage";
import { formatInZone } from "./cron";

const NEXT = formatInZone("2026-12-03T08:00:00+00:00", "Europe/Paris", "en");

afterEach(() => vi.unstubAllGlobals());

const series = {
  schedule_id: "s1", url: "/schedules/s1", name: "Morning facts", cron: "0 9 * * 1-5", time_zone: "Europe/Paris",
  themes: ["owls", "bees"], theme_prompt: null, style: "cinematic", language: "en", character_id: null, music: null,
  voice: null, target_seconds: 64, paused: false, created_at: "2026-12-01T08:00:00+00:00", updated_at: "2026-12-01T08:00:00+00:00",
  next_runs: ["2026-12-03T08:00:00+00:00"],
};

describe("Series page", () => {
  it("shows loading, error and empty states", async () => {
    stubApi({ "/schedules": "pending" });
    const first = renderWithApp(<SeriesPage />);
    expect(await screen.findByRole("status")).toHaveTextContent("Loading");
    first.unmount();
    stubApi({ "/schedules": failing() });
    const second = renderWithApp(<SeriesPage />);
    expect(await screen.findByTestId("error-state")).toBeInTheDocument();
    second.unmount();
    stubApi({ "/schedules": { body: { schedules: [] } } });
    renderWithApp(<SeriesPage />);
    expect(await screen.findByTestId("empty-state")).toHaveTextContent("No series yet");
  });

  it("says when a series runs in words, and pauses it", async () => {
    expect(NEXT).toMatch(/9:00/); // read on the series' own clock (08:00 UTC is 09:00 in Paris)
    const fetchMock = stubApi({ "GET /schedules": { body: { schedules: [series] } }, "PATCH /schedules/s1": { body: { ...series, paused: true } } });
    renderWithApp(<SeriesPage />);
    const card = await screen.findByRole("article", { name: "Morning facts" });
    expect(card).toHaveTextContent("every weekday at 09:00 Europe/Paris");
    expect(card).toHaveTextContent(`Next: ${NEXT}`);
    await userEvent.click(within(card).getByRole("button", { name: "Pause Morning facts" }));
    await waitFor(() => {
      const patch = fetchMock.mock.calls.find(([, i]) => i?.method === "PATCH");
      expect(patch && JSON.parse(String(patch[1]!.body))).toEqual({ paused: true });
    });
  });

  it("creates a series from the helper's choices, and puts the API's refusal under its field", async () => {
    const fetchMock = stubApi({
      "GET /schedules": { body: { schedules: [] } },
      "POST /schedules": { status: 422, body: { error: { code: "invalid_request", message: "x", field: "time_zone" } } },
    });
    renderWithApp(<SeriesPage />);
    await userEvent.click(await screen.findByRole("button", { name: "New series" }));
    await userEvent.click(screen.getByRole("button", { name: "Create the series" }));
    expect(await screen.findByText("Write at least one theme.")).toBeInTheDocument();
    expect(fetchMock.mock.calls.some(([, i]) => i?.method === "POST")).toBe(false);
    await userEvent.type(screen.getByRole("textbox", { name: /^Name/ }), "Owls");
    await userEvent.type(screen.getByRole("textbox", { name: /^Themes/ }), "owls at night{enter}owls by day");
    await userEvent.selectOptions(screen.getByRole("combobox", { name: "Runs" }), "daily");
    expect(screen.getByTestId("cron-words")).toHaveTextContent(/^Runs every day at 09:00 /);
    await userEvent.click(screen.getByRole("button", { name: "Create the series" }));
    expect(await screen.findByText("Some of what you entered is not valid: check the highlighted field.")).toBeInTheDocument();
    const [, init] = fetchMock.mock.calls.find(([, i]) => i?.method === "POST")!;
    const body = JSON.parse(String(init!.body));
    expect(body).toMatchObject({ name: "Owls", cron: "0 9 * * *", themes: ["owls at night", "owls by day"], theme_prompt: null, target_seconds: 64 });
  });
});

describe("Series detail page", () => {
  const detail = {
    ...series,
    last_slots: [
      { slot_at: "2026-12-02T08:00:00+00:00", outcome: "skipped", theme: null, video_id: null, video_status: null, reason: { code: "payment_required", message: "x" } },
      { slot_at: "2026-12-01T08:00:00+00:00", outcome: "created", theme: "owls", video_id: "v1", video_status: "completed", reason: null },
    ],
  };
  const renderDetail = () =>
    renderWithApp(
      <Routes>
        <Route path="/series/:scheduleId" element={<SeriesDetailPage />} />
      </Routes>,
      { path: "/series/s1" },
    );

  it("shows the next runs, the videos made and the slots skipped with their reason", async () => {
    stubApi({ "/schedules/s1": { body: detail } });
    renderDetail();
    expect(await screen.findByTestId("next-runs")).toHaveTextContent(NEXT);
    const slots = screen.getByTestId("slots");
    expect(within(slots).getByRole("link", { name: "owls" })).toHaveAttribute("href", "/videos/v1/progress");
    expect(slots).toHaveTextContent("Skipped");
    expect(slots).toHaveTextContent("Nothing left: your free video and credits are used up.");
  });

  it("shows the error of an unknown series", async () => {
    stubApi({ "/schedules/s1": failing("unknown_schedule", 404) });
    renderDetail();
    expect(await screen.findByTestId("error-state")).toHaveTextContent("This series does not exist or is not yours.");
  });
});
