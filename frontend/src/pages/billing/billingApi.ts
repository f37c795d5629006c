// The billing page's calls: the ledger, and the two redirects to Stripe (Checkout, the portal).
import { useQuery } from "@tanstack/react-query";
import type { TFunction } from "i18next";
import { api } from "../../api/client";

export interface LedgerEntry {
  at: string;
  reason: string;
  delta: number;
  balance_after: number;
  kind: "credits" | "free" | string;
  video_id?: string | null;
}

export const historyKey = ["billing", "history"] as const;

export const useBillingHistory = (refetchInterval?: () => number | false) =>
  useQuery({
    queryKey: historyKey,
    refetchInterval,
    queryFn: async () => (await api<{ entries: LedgerEntry[] }>("/billing/history?limit=50")).entries,
  });

/** Stripe's page for the product (locally the Stripe fake's): the answer is where to go. */
export async function startCheckout(product: string): Promise<string> {
  return (await api<{ url: string }>("/billing/checkout", { method: "POST", body: { product } })).url;
}

export async function openPortal(): Promise<string> {
  return (await api<{ url: string }>("/billing/portal", { method: "POST" })).url;
}

/** A ledger reason in words: "pack:pack_5" and "subscription:monthly" name their product. */
export function reasonText(t: TFunction, reason: string): string {
  const [kind, product] = reason.split(":", 2);
  if (product !== undefined) return t(`billing:reason.${kind}`, { product, defaultValue: reason });
  return t(`billing:reason.${reason}`, { defaultValue: reason });
}
