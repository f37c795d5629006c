// The admin page's calls (role "admin"; the API refuses everyone else with 403).
import { useQuery } from "@tanstack/react-query";
import { api } from "../../api/client";

export interface UserRow {
  uid: string;
  email: string | null;
  email_verified: boolean;
  roles: string[];
  created_at: string | null;
  credits: number;
  videos: number;
}

export interface CatalogueTrack {
  track_id: string;
  name: string;
  category: string;
  duration: number;
  license: string;
}

export interface NewTrack extends CatalogueTrack {
  object: string;
}

export const MUSIC_CATEGORIES = ["lofi", "upbeat", "ambient", "epic", "calm", "cinematic", "acoustic"] as const;

export const adminKeys = { users: ["admin", "users"] as const, music: ["music"] as const };

export const useUsers = () =>
  useQuery({ queryKey: adminKeys.users, queryFn: async () => (await api<{ users: UserRow[] }>("/admin/users?limit=200")).users });

export const useCatalogue = () =>
  useQuery({ queryKey: adminKeys.music, queryFn: async () => (await api<{ tracks: CatalogueTrack[] }>("/music")).tracks });

export const adjustCredits = (body: { creator_id: string; credits: number; reason: string }) =>
  api<{ creator_id: string; applied: number; credits: number }>("/billing/admin/credits", { method: "POST", body });

export const putTrack = (track: NewTrack) => api<CatalogueTrack>("/admin/music", { method: "POST", body: { ...track } });
export const retireTrack = (id: string) => api<CatalogueTrack>(`/admin/music/${encodeURIComponent(id)}`, { method: "DELETE" });
