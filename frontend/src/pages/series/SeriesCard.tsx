// One series in the list: when it runs, its next run, and what can be done with it.
import { Badge, Button, Card, Group, Modal, Stack, Text, Title } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { ErrorState } from "../../components/PageState";
import { currentLanguage } from "../../i18n";
import { describeCron, formatInZone } from "./cron";
import { SeriesForm } from "./SeriesForm";
import { deleteSeries, seriesKeys, updateSeries, type Series, type SeriesSpec } from "./seriesApi";
import { valuesOf } from "./seriesForm";

function useSeriesChange(id: string, onDone?: () => void) {
  const client = useQueryClient();
  const done = () => {
    void client.invalidateQueries({ queryKey: seriesKeys.all });
    onDone?.();
  };
  return {
    update: useMutation({ mutationFn: (patch: Partial<SeriesSpec>) => updateSeries(id, patch), onSuccess: done }),
    remove: useMutation({ mutationFn: () => deleteSeries(id), onSuccess: done }),
  };
}

export function SeriesCard({ series }: { series: Series }) {
  const { t } = useTranslation("series");
  const lang = currentLanguage();
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const { update, remove } = useSeriesChange(series.schedule_id, () => {
    setEditing(false);
    setDeleting(false);
  });
  const pause = useSeriesChange(series.schedule_id).update;
  const next = series.next_runs[0];
  return (
    <Card withBorder component="article" aria-label={series.name} data-testid="series-card">
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap">
          <Title order={3} size="h4" lineClamp={1}>{series.name}</Title>
          {series.paused ? <Badge color="gray">{t("card.paused")}</Badge> : <Badge color="green">{t("card.active")}</Badge>}
        </Group>
        <Text size="sm">{describeCron(t, series.cron, series.time_zone, lang)}</Text>
        <Text size="sm" c="dimmed">
          {series.paused || !next ? t("card.noNextRun") : t("card.nextRun", { when: formatInZone(next, series.time_zone, lang) })}
        </Text>
        <Text size="sm" c="dimmed" lineClamp={2}>
          {series.theme_prompt
            ? t("card.prompt", { prompt: series.theme_prompt })
            : t("card.themes", { count: series.themes?.length ?? 0 })}
        </Text>
        {pause.isError && <ErrorState error={pause.error} />}
        <Group gap="xs" mt={4}>
          <Button component={Link} to={`/series/${encodeURIComponent(series.schedule_id)}`} size="xs" variant="light"
            aria-label={t("card.openLabel", { name: series.name })}>
            {t("card.open")}
          </Button>
          <Button size="xs" variant="default" onClick={() => setEditing(true)} aria-label={t("card.editLabel", { name: series.name })}>
            {t("card.edit")}
          </Button>
          <Button size="xs" variant="default" loading={pause.isPending} onClick={() => pause.mutate({ paused: !series.paused })}
            aria-label={t(series.paused ? "card.resumeLabel" : "card.pauseLabel", { name: series.name })}>
            {series.paused ? t("card.resume") : t("card.pause")}
          </Button>
          <Button size="xs" variant="light" color="red" onClick={() => setDeleting(true)} aria-label={t("card.deleteLabel", { name: series.name })}>
            {t("card.delete")}
          </Button>
        </Group>
      </Stack>
      <Modal opened={editing} onClose={() => setEditing(false)} title={t("edit.title", { name: series.name })} size="lg">
        <SeriesForm
          initial={valuesOf(series)}
          onSubmit={(spec) => update.mutate(spec)}
          submitting={update.isPending}
          error={update.error}
          submitLabel={t("edit.save")}
          editing
        />
      </Modal>
      <Modal opened={deleting} onClose={() => setDeleting(false)} title={t("delete.title", { name: series.name })}>
        <Stack>
          <Text size="sm">{t("delete.body")}</Text>
          {remove.isError && <ErrorState error={remove.error} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setDeleting(false)}>{t("delete.cancel")}</Button>
            <Button color="red" loading={remove.isPending} onClick={() => remove.mutate()}>{t("delete.confirm")}</Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}
