// Live progress of one video: GET /api/videos/{id}/events (Server-Sent Events, decision 0016).
// Every event is the whole state, so a reload or a reconnection starts from where the job
// stands. The stream ends after the final state; the browser's EventSource would reconnect by
// itself, so the hook closes it on the final event. A refused stream (404: not yours) closes
// at once: the hook then reports "closed" without progress, and the page asks GET /videos/{id}.
import { useEffect, useState } from "react";
import { API_PREFIX } from "../../api/client";
import type { Progress } from "../../api/types";

export type Connection = "connecting" | "open" | "reconnecting" | "closed";

export interface LiveProgress {
  progress: Progress | null;
  connection: Connection;
  deleted: boolean;
  /** When the last event came (ms since epoch): the ETA counts down from there. */
  receivedAt: number | null;
}

type SourceFactory = (url: string) => EventSource;
const browserSource: SourceFactory = (url) => new EventSource(url, { withCredentials: true });

export function useVideoProgress(videoId: string, makeSource: SourceFactory = browserSource): LiveProgress {
  const [state, setState] = useState<LiveProgress>({ progress: null, connection: "connecting", deleted: false, receivedAt: null });

  useEffect(() => {
    setState({ progress: null, connection: "connecting", deleted: false, receivedAt: null });
    const source = makeSource(`${API_PREFIX}/videos/${encodeURIComponent(videoId)}/events`);
    let finished = false;
    const finish = () => {
      finished = true;
      source.close();
    };
    source.onopen = () => setState((s) => ({ ...s, connection: "open" }));
    source.addEventListener("progress", (event) => {
      const update = JSON.parse((event as MessageEvent<string>).data) as Progress;
      setState((s) => ({ ...s, progress: update, connection: update.final ? "closed" : "open", receivedAt: Date.now() }));
      if (update.final) finish();
    });
    source.addEventListener("deleted", () => {
      setState((s) => ({ ...s, deleted: true, connection: "closed" }));
      finish();
    });
    source.onerror = () => {
      if (finished) return;
      // CLOSED: the server refused the stream (401/404); CONNECTING: the browser retries.
      const closed = source.readyState === 2;
      if (closed) finished = true;
      setState((s) => ({ ...s, connection: closed ? "closed" : "reconnecting" }));
    };
    return () => source.close();
  }, [videoId, makeSource]);

  return state;
}

/** Seconds left now, from the last event's ETA and the time since it came. */
export function etaNow(progress: Progress | null, receivedAt: number | null, now: number): number | null {
  if (!progress || progress.final || progress.eta_seconds === null || receivedAt === null) return null;
  return Math.max(0, Math.round(progress.eta_seconds - (now - receivedAt) / 1000));
}
