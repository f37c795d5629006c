import { Card, Grid, Stack, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { usePageTitle } from "../../components/usePageTitle";
import { CharacterForm } from "./CharacterForm";
import { CharacterGallery } from "./CharacterGallery";

export default function CharactersPage() {
  const { t } = useTranslation("characters");
  usePageTitle(t("title"));
  return (
    <Stack maw={1200} mx="auto" gap="lg">
      <Title order={1}>{t("title")}</Title>
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Card withBorder component="section" aria-labelledby="new-character">
            <Title order={2} size="h4" id="new-character" mb="sm">
              {t("form.title")}
            </Title>
            <CharacterForm />
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Stack component="section" aria-labelledby="my-characters" gap="sm">
            <Title order={2} size="h4" id="my-characters">
              {t("gallery.title")}
            </Title>
            <CharacterGallery />
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
