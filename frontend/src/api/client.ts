// The one API client: every call goes to /api/... on the page's own origin with the
// __session cookie (same origin; the browser's Origin header satisfies the API's CSRF check).

export const API_PREFIX = "/api";

/** A refused or failed call, with the API's stable error code (translated in errors.json). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field: string | null = null,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

// JSON, or a multipart form (an upload: the browser sets its Content-Type with the boundary).
type Body = Record<string, unknown> | FormData | undefined;

export interface RequestOptions {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  body?: Body;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

async function errorOf(response: Response): Promise<ApiError> {
  try {
    const payload = (await response.json()) as {
      error?: { code?: string; message?: string; field?: string | null };
    };
    const err = payload.error ?? {};
    return new ApiError(
      response.status,
      err.code ?? "http_error",
      err.message ?? response.statusText,
      err.field ?? null,
    );
  } catch {
    return new ApiError(response.status, "http_error", response.statusText);
  }
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json", ...options.headers };
  const form = options.body instanceof FormData;
  if (options.body !== undefined && !form) headers["Content-Type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(`${API_PREFIX}${path}`, {
      method: options.method ?? "GET",
      body: options.body === undefined || form ? (options.body as FormData | undefined) : JSON.stringify(options.body),
      headers,
      credentials: "same-origin",
      signal: options.signal,
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === "AbortError") throw cause;
    throw new ApiError(0, "network_error", String(cause));
  }
  if (!response.ok) throw await errorOf(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** Query-string of the defined values only. */
export function query(params: Record<string, string | number | boolean | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}
