import { Button, Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { usePageTitle } from "../components/usePageTitle";

export default function NotFoundPage() {
  const { t } = useTranslation();
  usePageTitle(t("notFound.title"));
  return (
    <Stack align="center" py="xl">
      <Title order={1}>{t("notFound.title")}</Title>
      <Text>{t("notFound.body")}</Text>
      <Button component={Link} to="/">
        {t("nav.home")}
      </Button>
    </Stack>
  );
}
