import { Button, Card, Collapse, Group, SimpleGrid, Stack, Title } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { EmptyState, QueryState } from "../../components/PageState";
import { usePageTitle } from "../../components/usePageTitle";
import { currentLanguage } from "../../i18n";
import { timeZones } from "./cron";
import { SeriesCard } from "./SeriesCard";
import { SeriesForm } from "./SeriesForm";
import { createSeries, seriesKeys, useSeriesList } from "./seriesApi";
import { blankValues } from "./seriesForm";

function NewSeries({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation("series");
  const client = useQueryClient();
  const create = useMutation({
    mutationFn: createSeries,
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: seriesKeys.all });
      onDone();
    },
  });
  return (
    <Card withBorder component="section" aria-labelledby="new-series">
      <Title order={2} size="h4" id="new-series" mb="sm">{t("new.title")}</Title>
      <SeriesForm
        initial={blankValues(timeZones()[0] ?? "UTC", currentLanguage())}
        onSubmit={(spec) => create.mutate(spec)}
        submitting={create.isPending}
        error={create.error}
        submitLabel={t("new.submit")}
      />
    </Card>
  );
}

export default function SeriesPage() {
  const { t } = useTranslation("series");
  usePageTitle(t("title"));
  const list = useSeriesList();
  const [creating, setCreating] = useState(false);
  return (
    <Stack maw={1100} mx="auto" gap="lg">
      <Group justify="space-between">
        <Title order={1}>{t("title")}</Title>
        <Button onClick={() => setCreating((c) => !c)} aria-expanded={creating}>
          {creating ? t("new.close") : t("new.open")}
        </Button>
      </Group>
      <Collapse expanded={creating}>{creating && <NewSeries onDone={() => setCreating(false)} />}</Collapse>
      <QueryState
        query={list}
        isEmpty={(items) => items.length === 0}
        empty={<EmptyState title={t("empty.title")}>{t("empty.body")}</EmptyState>}
      >
        {(items) => (
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            {items.map((series) => <SeriesCard key={series.schedule_id} series={series} />)}
          </SimpleGrid>
        )}
      </QueryState>
    </Stack>
  );
}
