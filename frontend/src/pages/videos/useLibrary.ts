// The library's state lives in the URL (tab, sort, filters), so a reload or a shared link
// shows the same page; paging keeps a stack of cursors for "previous".
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useSearchParams } from "react-router";
import { api, query } from "../../api/client";
import { keys } from "../../api/queries";
import type { Listing, VideoDetail } from "../../api/types";

export const PAGE_SIZE = 12;
export const SORTS = ["date", "views", "duration"] as const;
export type Sort = (typeof SORTS)[number];

export interface LibraryFilters {
  tab: "all" | "favorites";
  sort: Sort;
  style: string;
  language: string;
  character: string;
}

export function useLibraryFilters() {
  const [params, setParams] = useSearchParams();
  const filters: LibraryFilters = {
    tab: params.get("tab") === "favorites" ? "favorites" : "all",
    sort: (SORTS as readonly string[]).includes(params.get("sort") ?? "") ? (params.get("sort") as Sort) : "date",
    style: params.get("style") ?? "",
    language: params.get("language") ?? "",
    character: params.get("character") ?? "",
  };
  const update = (change: Partial<LibraryFilters>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(change)) {
      if (value && !(key === "tab" && value === "all") && !(key === "sort" && value === "date")) next.set(key, value);
      else next.delete(key);
    }
    next.delete("open");
    setParams(next, { replace: true });
  };
  return { filters, update, openId: params.get("open") };
}

export function useLibrary(filters: LibraryFilters) {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const filterKey = JSON.stringify(filters);
  const [seenKey, setSeenKey] = useState(filterKey);
  if (seenKey !== filterKey) {
    // Other filters: back to the first page.
    setSeenKey(filterKey);
    setCursors([null]);
  }
  const cursor = cursors[cursors.length - 1];
  const page = useQuery({
    queryKey: [...keys.videos, "list", filters, cursor],
    placeholderData: keepPreviousData,
    queryFn: () =>
      api<Listing>(
        `/videos/my-videos${query({
          limit: PAGE_SIZE,
          sort: filters.sort,
          style: filters.style,
          language: filters.language,
          character_id: filters.character,
          favorite: filters.tab === "favorites" ? true : undefined,
          cursor,
        })}`,
      ),
    // Running videos change on their own: look again while any is unfinished.
    refetchInterval: (q) =>
      q.state.data?.videos.some((v) => !["completed", "failed", "cancelled"].includes(v.status)) ? 5000 : false,
  });
  return {
    page,
    pageNumber: cursors.length,
    next: () => page.data?.next_cursor && setCursors((c) => [...c, page.data!.next_cursor]),
    previous: () => setCursors((c) => (c.length > 1 ? c.slice(0, -1) : c)),
  };
}

export function useVideoActions() {
  const client = useQueryClient();
  const done = () => void client.invalidateQueries({ queryKey: keys.videos });
  const favorite = useMutation({
    mutationFn: ({ id, on }: { id: string; on: boolean }) =>
      api<VideoDetail>(`/videos/${encodeURIComponent(id)}/favorite`, { method: on ? "POST" : "DELETE" }),
    onSuccess: done,
  });
  const cancel = useMutation({
    mutationFn: (id: string) => api<VideoDetail>(`/videos/${encodeURIComponent(id)}/cancel`, { method: "POST" }),
    onSuccess: done,
  });
  const remove = useMutation({
    mutationFn: (id: string) => api<unknown>(`/videos/${encodeURIComponent(id)}`, { method: "DELETE" }),
    onSuccess: done,
  });
  const view = useMutation({
    mutationFn: (id: string) => api<unknown>(`/videos/${encodeURIComponent(id)}/view`, { method: "POST" }),
    onSuccess: done,
  });
  return { favorite, cancel, remove, view };
}
