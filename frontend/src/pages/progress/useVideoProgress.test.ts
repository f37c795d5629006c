import { act, renderHook } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { Progress } from "../../api/types";
import { etaNow, useVideoProgress } from "./useVideoProgress";

// An EventSource the test drives: open, events, errors (CONNECTING or CLOSED).
class FakeSource {
  static last: FakeSource;
  readyState = 0;
  closed = false;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  listeners: Record<string, ((event: MessageEvent) => void)[]> = {};
  constructor(readonly url: string) {
    FakeSource.last = this;
  }
  addEventListener(type: string, listener: (event: MessageEvent) => void) {
    (this.listeners[type] ??= []).push(listener);
  }
  close() {
    this.closed = true;
    this.readyState = 2;
  }
  emit(type: string, data: unknown) {
    for (const l of this.listeners[type] ?? []) l(new MessageEvent(type, { data: JSON.stringify(data) }));
  }
}
const factory = (url: string) => new FakeSource(url) as unknown as EventSource;

const update = (over: Partial<Progress>): Progress => ({
  video_id: "v1",
  status: "generating_video",
  status_code: 40,
  status_text: "making the video, block by block",
  completed_blocks: 3,
  total_blocks: 9,
  percent: 31.7,
  stage_timings: {},
  eta_seconds: 120,
  error: null,
  next_retry_at: null,
  final: false,
  updated_at: "2026-12-02T10:00:00Z",
  ...over,
});

describe("useVideoProgress", () => {
  it("follows the stream and closes it after the final state", () => {
    const { result } = renderHook(() => useVideoProgress("v1", factory));
    const source = FakeSource.last;
    expect(source.url).toBe("/api/videos/v1/events");
    expect(result.current.connection).toBe("connecting");
    act(() => source.onopen?.());
    act(() => source.emit("progress", update({})));
    expect(result.current.progress?.completed_blocks).toBe(3);
    expect(result.current.connection).toBe("open");
    expect(source.closed).toBe(false);
    act(() => source.emit("progress", update({ status: "completed", percent: 100, final: true, eta_seconds: null })));
    expect(result.current.progress?.percent).toBe(100);
    expect(result.current.connection).toBe("closed");
    expect(source.closed).toBe(true); // no reconnection loop after the end
  });

  it("says reconnecting while the browser retries, closed when the server refused", () => {
    const { result } = renderHook(() => useVideoProgress("v2", factory));
    const source = FakeSource.last;
    act(() => source.onerror?.());
    expect(result.current.connection).toBe("reconnecting");
    source.readyState = 2;
    act(() => source.onerror?.());
    expect(result.current.connection).toBe("closed");
    expect(result.current.progress).toBeNull();
  });

  it("reports a deleted video and stops", () => {
    const { result } = renderHook(() => useVideoProgress("v3", factory));
    act(() => FakeSource.last.emit("deleted", { video_id: "v3", final: true }));
    expect(result.current.deleted).toBe(true);
    expect(FakeSource.last.closed).toBe(true);
  });

  it("closes the stream when the page goes away", () => {
    const { unmount } = renderHook(() => useVideoProgress("v4", factory));
    unmount();
    expect(FakeSource.last.closed).toBe(true);
  });
});

describe("etaNow", () => {
  it("counts down from the last event", () => {
    expect(etaNow(update({ eta_seconds: 100 }), 1_000, 31_000)).toBe(70);
    expect(etaNow(update({ eta_seconds: 10 }), 1_000, 60_000)).toBe(0);
    expect(etaNow(update({ final: true }), 1_000, 2_000)).toBeNull();
  });
});
