import { Badge, Button, Card, Grid, Group, List, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { usePricing } from "../../api/queries";
import { formatMoney } from "../../api/format";
import { useSession } from "../../auth/session";
import { QueryState } from "../../components/PageState";
import { usePageTitle } from "../../components/usePageTitle";
import { currentLanguage } from "../../i18n";

function PricingSection() {
  const { t } = useTranslation("landing");
  const pricing = usePricing();
  const lang = currentLanguage();
  return (
    <Stack component="section" aria-labelledby="pricing-title">
      <Title order={2} id="pricing-title">
        {t("pricing.title")}
      </Title>
      <QueryState query={pricing}>
        {(p) => (
          <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }}>
            <Card withBorder>
              <Title order={3} size="h4">{t("pricing.free")}</Title>
              <Text size="xl" fw={700}>{t("pricing.freeCount", { count: p.free_videos_per_month })}</Text>
              <Text size="sm" c="dimmed">{t("pricing.freeNote", { seconds: p.free_lengths.join(", ") })}</Text>
            </Card>
            {p.offers.map((offer) => (
              <Card withBorder key={offer.product} data-testid={`offer-${offer.product}`}>
                <Group justify="space-between">
                  <Title order={3} size="h4">{t(`pricing.${offer.kind}`)}</Title>
                  {offer.kind === "subscription" && <Badge>{t("pricing.monthly")}</Badge>}
                </Group>
                <Text size="xl" fw={700}>{formatMoney(offer.amount, offer.currency, lang)}</Text>
                <Text size="sm" c="dimmed">
                  {t(offer.kind === "subscription" ? "pricing.creditsPerMonth" : "pricing.credits", { count: offer.credits })}
                </Text>
              </Card>
            ))}
          </SimpleGrid>
        )}
      </QueryState>
      <Text size="sm" c="dimmed">{t("pricing.creditNote")}</Text>
    </Stack>
  );
}

export default function LandingPage() {
  const { t } = useTranslation("landing");
  usePageTitle(t("title"));
  const { me } = useSession();
  return (
    <Stack gap="xl" maw={1100} mx="auto">
      <Grid gap="xl" align="center">
        <Grid.Col span={{ base: 12, sm: 7 }}>
          <Stack>
            <Title order={1}>{t("hero.title")}</Title>
            <Text size="lg">{t("hero.body")}</Text>
            <List spacing="xs">
              <List.Item>{t("hero.point1")}</List.Item>
              <List.Item>{t("hero.point2")}</List.Item>
              <List.Item>{t("hero.point3")}</List.Item>
            </List>
            <Group>
              {me ? (
                <Button component={Link} to="/create" size="md">{t("hero.create")}</Button>
              ) : (
                <>
                  <Button component={Link} to="/sign-up" size="md">{t("hero.start")}</Button>
                  <Button component={Link} to="/sign-in" size="md" variant="default">{t("hero.signIn")}</Button>
                </>
              )}
            </Group>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, sm: 5 }}>
          <Stack align="center" gap={4}>
            <video
              src="/sample.mp4"
              poster="/sample.jpg"
              controls
              muted
              playsInline
              preload="none"
              width={270}
              height={480}
              style={{ maxWidth: "100%", height: "auto", aspectRatio: "9 / 16", background: "#000", borderRadius: 12 }}
              aria-label={t("sample.label")}
            />
            <Text size="xs" c="dimmed">{t("sample.caption")}</Text>
          </Stack>
        </Grid.Col>
      </Grid>
      <PricingSection />
    </Stack>
  );
}
