// One series: when it runs next, and its last slots (the videos made, the slots skipped and why).
import { Anchor, Badge, Button, Card, List, Stack, Table, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { EmptyState, QueryState } from "../../components/PageState";
import { usePageTitle } from "../../components/usePageTitle";
import { currentLanguage } from "../../i18n";
import { errorKey } from "../../i18n/apiText";
import { describeCron, formatInZone } from "./cron";
import { useSeries, type SeriesDetail, type Slot } from "./seriesApi";

function SlotOutcome({ slot }: { slot: Slot }) {
  const { t } = useTranslation("series");
  if (slot.outcome === "created" && slot.video_id) {
    return (
      <Stack gap={2}>
        <Anchor component={Link} to={`/videos/${encodeURIComponent(slot.video_id)}/progress`} size="sm">
          {slot.theme ?? t("detail.video")}
        </Anchor>
        {slot.video_status && <Badge size="sm" variant="light">{t(`status:${slot.video_status}`, { defaultValue: slot.video_status })}</Badge>}
      </Stack>
    );
  }
  const code = slot.reason?.code;
  return (
    <Stack gap={2}>
      <Badge size="sm" color="red.9" variant="outline">{t("detail.skipped")}</Badge>
      <Text size="sm">{code ? t(`errors:${errorKey(code)}`, { defaultValue: t("errors:unknown") }) : t("errors:unknown")}</Text>
    </Stack>
  );
}

function Detail({ series }: { series: SeriesDetail }) {
  const { t } = useTranslation("series");
  const lang = currentLanguage();
  return (
    <Stack gap="lg">
      <Card withBorder>
        <Text>{describeCron(t, series.cron, series.time_zone, lang)}</Text>
        {series.paused && <Badge color="gray" mt={4}>{t("card.paused")}</Badge>}
      </Card>
      <Stack component="section" aria-labelledby="next-runs" gap="xs">
        <Title order={2} size="h4" id="next-runs">{t("detail.nextRuns")}</Title>
        {series.paused || series.next_runs.length === 0 ? (
          <Text c="dimmed">{t("card.noNextRun")}</Text>
        ) : (
          <List data-testid="next-runs">
            {series.next_runs.map((run) => <List.Item key={run}>{formatInZone(run, series.time_zone, lang)}</List.Item>)}
          </List>
        )}
      </Stack>
      <Stack component="section" aria-labelledby="slots" gap="xs">
        <Title order={2} size="h4" id="slots">{t("detail.slots")}</Title>
        {series.last_slots.length === 0 ? (
          <EmptyState title={t("detail.noSlots")}>{t("detail.noSlotsBody")}</EmptyState>
        ) : (
          <Table.ScrollContainer minWidth={320}>
            <Table data-testid="slots">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("detail.when")}</Table.Th>
                  <Table.Th>{t("detail.outcome")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {series.last_slots.map((slot) => (
                  <Table.Tr key={slot.slot_at}>
                    <Table.Td><Text size="sm">{formatInZone(slot.slot_at, series.time_zone, lang)}</Text></Table.Td>
                    <Table.Td><SlotOutcome slot={slot} /></Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Stack>
  );
}

export default function SeriesDetailPage() {
  const { t } = useTranslation("series");
  const { scheduleId = "" } = useParams();
  const series = useSeries(scheduleId);
  usePageTitle(series.data?.name ?? t("title"));
  return (
    <Stack maw={900} mx="auto" gap="lg">
      <Button component={Link} to="/series" variant="subtle" style={{ alignSelf: "flex-start" }}>{t("detail.back")}</Button>
      <Title order={1}>{series.data?.name ?? t("title")}</Title>
      <QueryState query={series}>{(s) => <Detail series={s} />}</QueryState>
    </Stack>
  );
}
