// What this video uses ("your free video this month" / "2 credits"), or that nothing is left
// and where to buy.
import { Alert, Anchor, Skeleton, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useBillingStatus, usePricing } from "../../api/queries";
import { costOf, type Cost } from "./form";

export function useCost(seconds: number): Cost | null {
  const pricing = usePricing();
  const billing = useBillingStatus();
  if (!pricing.data || !billing.data) return null;
  return costOf(seconds, pricing.data, billing.data);
}

export function CostLine({ cost }: { cost: Cost | null }) {
  const { t } = useTranslation("create");
  if (!cost) return <Skeleton height={20} width={220} aria-hidden />;
  if (cost.kind === "nothingLeft") {
    return (
      <Alert color="orange" title={t("cost.nothingLeftTitle")} data-testid="cost-line" role="status">
        {t("cost.nothingLeft", { count: cost.credits, balance: cost.balance })}{" "}
        <Anchor component={Link} to="/billing">
          {t("cost.buy")}
        </Anchor>
      </Alert>
    );
  }
  const text =
    cost.kind === "free"
      ? t("cost.free")
      : cost.kind === "unbilled"
        ? t("cost.unbilled")
        : t("cost.credits", { count: cost.credits, balance: cost.balance });
  return (
    <Text size="sm" data-testid="cost-line" role="status">
      {t("cost.label")} <strong>{text}</strong>
    </Text>
  );
}
