// What the creator has: the free video of the month, credits, the plan.
import { Badge, Card, SimpleGrid, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { formatDate } from "../../api/format";
import type { BillingStatus } from "../../api/types";
import { currentLanguage } from "../../i18n";

export function planText(t: (key: string, options?: Record<string, unknown>) => string, status: BillingStatus): string {
  const plan = status.plan;
  if (!plan || !plan.status || plan.status === "canceled") return t("plan.none");
  if (plan.cancel_at_period_end) return t("plan.ending");
  if (plan.status === "active" || plan.status === "trialing") return t("plan.active");
  return t("plan.other", { status: plan.status });
}

export function BillingSummary({ status }: { status: BillingStatus }) {
  const { t } = useTranslation("billing");
  const lang = currentLanguage();
  return (
    <SimpleGrid cols={{ base: 1, sm: 3 }} component="section" aria-label={t("summary.label")}>
      <Card withBorder data-testid="free-left">
        <Title order={2} size="h5">{t("summary.free")}</Title>
        <Text size="xl" fw={700}>
          {t("summary.freeLeft", { left: status.free_left_this_month, total: status.free_allowance })}
        </Text>
        <Text size="sm" c="dimmed">{t("summary.freeNote")}</Text>
      </Card>
      <Card withBorder data-testid="credits">
        <Title order={2} size="h5">{t("summary.credits")}</Title>
        <Text size="xl" fw={700}>{t("summary.creditCount", { count: status.credits })}</Text>
        <Text size="sm" c="dimmed">{t("summary.creditsNote")}</Text>
      </Card>
      <Card withBorder data-testid="plan">
        <Title order={2} size="h5">{t("summary.plan")}</Title>
        <Text size="xl" fw={700}>{planText(t, status)}</Text>
        {status.renews_at && <Text size="sm" c="dimmed">{t("plan.renews", { date: formatDate(status.renews_at, lang) })}</Text>}
        {status.plan?.status && <Badge variant="light" mt={4}>{status.plan.status}</Badge>}
      </Card>
    </SimpleGrid>
  );
}
