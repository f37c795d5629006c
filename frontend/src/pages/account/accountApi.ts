// The account page's calls: personal API tokens, the export, the deletion.
import { useQuery } from "@tanstack/react-query";
import { api } from "../../api/client";

export interface TokenInfo {
  token_id: string;
  name: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
}

export interface CreatedToken extends TokenInfo {
  token: string;
}

export const tokensKey = ["me", "tokens"] as const;
/** What DELETE /me requires in its body (the API's own words, whatever the UI's language). */
export const DELETE_CONFIRMATION = "delete my account";

export const useTokens = () =>
  useQuery({ queryKey: tokensKey, queryFn: async () => (await api<{ tokens: TokenInfo[] }>("/me/tokens")).tokens });

export const createToken = (name: string) => api<CreatedToken>("/me/tokens", { method: "POST", body: { name } });
export const revokeToken = (id: string) => api<void>(`/me/tokens/${encodeURIComponent(id)}`, { method: "DELETE" });
export const deleteAccount = () => api<unknown>("/me", { method: "DELETE", body: { confirm: DELETE_CONFIRMATION } });

/** Everything stored about the creator, saved as a JSON file by the browser. */
export async function downloadExport(): Promise<void> {
  const data = await api<unknown>("/me/export");
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = `shortvideo-export-${new Date().toISOString().slice(0, 10)}.json`;
  document.body.appendChild(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}
