// Renders a page or component with the app's providers, for Vitest; `stubApi` answers the
// API's paths from a table (a never-settling answer forces the loading state).
import { MantineProvider } from "@mantine/core";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { MemoryRouter } from "react-router";
import { vi } from "vitest";
import { SessionProvider } from "../auth/session";

export type Answer = { status?: number; body?: unknown } | "pending";

/** fetch answering `/api<path>` (path without the query string) from `routes`; 404 otherwise. */
export function stubApi(routes: Record<string, Answer>) {
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), "http://localhost");
    const key = `${init?.method ?? "GET"} ${url.pathname.replace(/^\/api/, "")}`;
    const answer = routes[key] ?? routes[url.pathname.replace(/^\/api/, "")];
    if (answer === "pending") return new Promise<Response>(() => {});
    if (!answer) return new Response(JSON.stringify({ error: { code: "not_found", message: key } }), { status: 404 });
    const status = answer.status ?? 200;
    return new Response(status === 204 ? null : JSON.stringify(answer.body ?? {}), {
      status,
      headers: { "Content-Type": "application/json" },
    });
  });
  vi.stubGlobal("fetch", fetchMock);
  return fetchMock;
}

export const failing = (code = "internal", status = 500): Answer => ({
  status,
  body: { error: { code, message: "refused", field: null } },
});

export function renderWithApp(ui: ReactElement, { path = "/" }: { path?: string } = {}) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  return render(
    <MantineProvider>
      <QueryClientProvider client={client}>
        <SessionProvider>
          <MemoryRouter initialEntries={[path]}>{ui}</MemoryRouter>
        </SessionProvider>
      </QueryClientProvider>
    </MantineProvider>,
  );
}
