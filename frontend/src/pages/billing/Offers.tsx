// Buy a pack or subscribe (a redirect to Stripe Checkout), or manage the subscription.
import { Button, Card, Group, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { formatMoney } from "../../api/format";
import type { BillingStatus } from "../../api/types";
import { ErrorState } from "../../components/PageState";
import { currentLanguage } from "../../i18n";
import { openPortal, startCheckout } from "./billingApi";

/** Leaves the dashboard for Stripe's page (a full navigation: Stripe's page is another origin). */
const go = (url: string) => window.location.assign(url);

export function Offers({ status }: { status: BillingStatus }) {
  const { t } = useTranslation("billing");
  const lang = currentLanguage();
  const checkout = useMutation({ mutationFn: startCheckout, onSuccess: go });
  const portal = useMutation({ mutationFn: openPortal, onSuccess: go });
  const subscribed = !!status.plan && ["active", "trialing", "past_due"].includes(status.plan.status ?? "");
  return (
    <Stack component="section" aria-labelledby="offers-title">
      <Group justify="space-between">
        <Title order={2} size="h3" id="offers-title">{t("offers.title")}</Title>
        <Button variant="default" onClick={() => portal.mutate()} loading={portal.isPending}>
          {t("offers.manage")}
        </Button>
      </Group>
      {portal.isError && <ErrorState error={portal.error} />}
      {checkout.isError && <ErrorState error={checkout.error} />}
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        {status.offers.map((offer) => {
          const isSubscription = offer.kind === "subscription";
          return (
            <Card withBorder key={offer.product} data-testid={`buy-${offer.product}`}>
              <Title order={3} size="h5">{t(isSubscription ? "offers.subscription" : "offers.pack", { count: offer.credits })}</Title>
              <Text size="xl" fw={700}>{formatMoney(offer.amount, offer.currency, lang)}</Text>
              <Text size="sm" c="dimmed" mb="sm">
                {t(isSubscription ? "offers.perMonth" : "offers.once", { count: offer.credits })}
              </Text>
              <Button
                onClick={() => checkout.mutate(offer.product)}
                loading={checkout.isPending && checkout.variables === offer.product}
                disabled={isSubscription && subscribed}
                aria-label={t(isSubscription ? "offers.subscribeLabel" : "offers.buyLabel", { count: offer.credits })}
              >
                {isSubscription ? (subscribed ? t("offers.subscribed") : t("offers.subscribe")) : t("offers.buy")}
              </Button>
            </Card>
          );
        })}
      </SimpleGrid>
    </Stack>
  );
}
