import { Stack, Tabs, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { usePageTitle } from "../../components/usePageTitle";
import { Music } from "./Music";
import { Users } from "./Users";

export default function AdminPage() {
  const { t } = useTranslation("admin");
  usePageTitle(t("title"));
  return (
    <Stack maw={1100} mx="auto" gap="lg">
      <Title order={1}>{t("title")}</Title>
      <Tabs defaultValue="users" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="users">{t("tabs.users")}</Tabs.Tab>
          <Tabs.Tab value="music">{t("tabs.music")}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="users" pt="md"><Users /></Tabs.Panel>
        <Tabs.Panel value="music" pt="md"><Music /></Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
