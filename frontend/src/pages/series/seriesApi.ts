// The series pages' calls: /schedules (decision 0018).
import { useQuery } from "@tanstack/react-query";
import { api } from "../../api/client";

export interface SeriesSpec {
  name: string;
  cron: string;
  time_zone: string;
  themes: string[] | null;
  theme_prompt: string | null;
  style: string;
  language: string;
  character_id: string | null;
  music: string | null;
  voice: string | null;
  target_seconds: number;
  paused: boolean;
}

export interface Series extends SeriesSpec {
  schedule_id: string;
  url: string;
  created_at: string;
  updated_at: string;
  next_runs: string[];
}

export interface Slot {
  slot_at: string;
  outcome: "created" | "skipped";
  theme: string | null;
  video_id: string | null;
  video_status: string | null;
  reason: { code: string; message: string } | null;
}

export interface SeriesDetail extends Series {
  last_slots: Slot[];
}

export const seriesKeys = {
  all: ["schedules"] as const,
  one: (id: string) => ["schedules", id] as const,
};

export const useSeriesList = () =>
  useQuery({
    queryKey: seriesKeys.all,
    queryFn: async () => (await api<{ schedules: Series[] }>("/schedules")).schedules,
  });

export const useSeries = (id: string) =>
  useQuery({ queryKey: seriesKeys.one(id), queryFn: () => api<SeriesDetail>(`/schedules/${encodeURIComponent(id)}`) });

export const createSeries = (spec: SeriesSpec) => api<Series>("/schedules", { method: "POST", body: { ...spec } });

export const updateSeries = (id: string, patch: Partial<SeriesSpec>) =>
  api<Series>(`/schedules/${encodeURIComponent(id)}`, { method: "PATCH", body: patch });

export const deleteSeries = (id: string) => api<void>(`/schedules/${encodeURIComponent(id)}`, { method: "DELETE" });
