// Shared queries (TanStack Query): one key per API resource, so a mutation anywhere can
// invalidate what it changed.
import { useQuery } from "@tanstack/react-query";
import { api, API_PREFIX } from "./client";
import type { BillingStatus, Pricing } from "./types";

export const keys = {
  pricing: ["pricing"] as const,
  billing: ["billing", "status"] as const,
  characters: ["characters"] as const,
  music: ["music"] as const,
  voices: ["voices"] as const,
  videos: ["videos"] as const,
  video: (id: string) => ["videos", id] as const,
};

export interface Character {
  character_id: string;
  name: string;
  description: string;
  style: string | null;
  image_url: string | null;
}

export interface Track {
  track_id: string;
  name: string;
  category: string;
  duration: number;
  preview_url?: string | null;
}

/** "api" media mode answers relative API paths (/media/...); gcs and cdn URLs are absolute. */
export function mediaUrl(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  return url.startsWith("/") ? `${API_PREFIX}${url}` : url;
}

export const usePricing = () =>
  useQuery({ queryKey: keys.pricing, queryFn: () => api<Pricing>("/pricing"), staleTime: 600_000 });

export const useBillingStatus = () =>
  useQuery({ queryKey: keys.billing, queryFn: () => api<BillingStatus>("/billing/status") });

export const useCharacters = () =>
  useQuery({
    queryKey: keys.characters,
    queryFn: async () => (await api<{ characters: Character[] }>("/characters")).characters,
  });

export const useMusic = () =>
  useQuery({
    queryKey: keys.music,
    queryFn: async () => (await api<{ tracks: Track[] }>("/music")).tracks,
    staleTime: 600_000,
  });

export const useVoices = () =>
  useQuery({
    queryKey: keys.voices,
    queryFn: async () => (await api<{ voices: string[] }>("/voices")).voices,
    staleTime: Infinity,
  });
