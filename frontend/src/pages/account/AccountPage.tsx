import { Card, Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useSession } from "../../auth/session";
import { usePageTitle } from "../../components/usePageTitle";
import { DangerZone } from "./DangerZone";
import { Tokens } from "./Tokens";

export default function AccountPage() {
  const { t } = useTranslation("account");
  usePageTitle(t("title"));
  const { me } = useSession();
  return (
    <Stack maw={900} mx="auto" gap="lg">
      <Title order={1}>{t("title")}</Title>
      <Card withBorder>
        <Text fw={600}>{me?.display_name || me?.email}</Text>
        <Text size="sm" c="dimmed" data-testid="account-email">{me?.email}</Text>
        <Text size="sm" c={me?.email_verified ? "green.9" : "orange.9"}>
          {me?.email_verified ? t("verified") : t("unverified")}
        </Text>
      </Card>
      <Tokens />
      <DangerZone />
    </Stack>
  );
}
