import { Alert, Stack, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "../../api/client";
import { keys } from "../../api/queries";
import type { BillingStatus } from "../../api/types";
import { QueryState } from "../../components/PageState";
import { usePageTitle } from "../../components/usePageTitle";
import { BillingSummary } from "./BillingSummary";
import { History } from "./History";
import { Offers } from "./Offers";

// Back from Checkout, the credits arrive with Stripe's webhook, a moment later: ask again
// every 2 s for a minute so they show without a reload.
const AFTER_CHECKOUT_POLL_MS = 2000;
const AFTER_CHECKOUT_WINDOW_MS = 60_000;

export default function BillingPage() {
  const { t } = useTranslation("billing");
  usePageTitle(t("title"));
  const [params] = useSearchParams();
  const returned = params.get("checkout");
  const [openedAt] = useState(Date.now);
  const poll = () =>
    returned === "success" && Date.now() - openedAt < AFTER_CHECKOUT_WINDOW_MS ? AFTER_CHECKOUT_POLL_MS : false;
  const status = useQuery({
    queryKey: keys.billing,
    queryFn: () => api<BillingStatus>("/billing/status"),
    refetchInterval: poll,
  });
  return (
    <Stack maw={1100} mx="auto" gap="lg">
      <Title order={1}>{t("title")}</Title>
      {returned === "success" && (
        <Alert color="green" title={t("returned.successTitle")} role="status">{t("returned.success")}</Alert>
      )}
      {returned === "cancelled" && <Alert color="yellow" role="status">{t("returned.cancelled")}</Alert>}
      <QueryState query={status}>
        {(s) => (
          <>
            <BillingSummary status={s} />
            <Offers status={s} />
          </>
        )}
      </QueryState>
      <History refetchInterval={poll} />
    </Stack>
  );
}
