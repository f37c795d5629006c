import { Alert, Badge, Button, Card, Group, Progress as Bar, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { api } from "../../api/client";
import { formatDuration, formatTime } from "../../api/format";
import { keys } from "../../api/queries";
import type { Progress, VideoDetail } from "../../api/types";
import { ErrorState, PageLoader } from "../../components/PageState";
import { usePageTitle } from "../../components/usePageTitle";
import { currentLanguage } from "../../i18n";
import { errorKey } from "../../i18n/apiText";
import { etaNow, useVideoProgress } from "./useVideoProgress";

function useNow(active: boolean) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

function WhatNext({ progress, detail }: { progress: Progress; detail: VideoDetail | undefined }) {
  const { t } = useTranslation("progress");
  const lang = currentLanguage();
  const code = progress.error?.code ?? "unknown";
  if (progress.status === "failed") {
    const refusal = code.startsWith("content_filtered");
    return (
      <Alert color="red" title={t("failed.title")} role="alert" data-testid="failure">
        <Stack gap={4}>
          <Text size="sm">{t(`errors:${errorKey(code)}`, { defaultValue: t("errors:unknown") })}</Text>
          <Text size="sm">
            {detail?.refunded === false ? t("failed.notRefunded") : refusal ? t("failed.refusalNext") : t("failed.refunded")}
          </Text>
          <Button component={Link} to="/create" size="xs" variant="light" color="red" w="fit-content">
            {t("failed.again")}
          </Button>
        </Stack>
      </Alert>
    );
  }
  if (progress.next_retry_at && !progress.final) {
    return (
      <Alert color="yellow" title={t("retry.title")} data-testid="retry">
        {t(`errors:${errorKey(code)}`, { defaultValue: "" })} {t("retry.at", { time: formatTime(progress.next_retry_at, lang) })}
      </Alert>
    );
  }
  return null;
}

export default function ProgressPage() {
  const { t } = useTranslation("progress");
  const { videoId = "" } = useParams();
  usePageTitle(t("title"));
  const live = useVideoProgress(videoId);
  const detail = useQuery({
    queryKey: [...keys.video(videoId), live.progress?.status ?? "unknown"],
    queryFn: () => api<VideoDetail>(`/videos/${encodeURIComponent(videoId)}`),
  });
  const progress = live.progress;
  const now = useNow(!progress?.final);

  if (!progress) {
    if (live.connection === "closed" && detail.isError) return <ErrorState error={detail.error} />;
    if (live.deleted) return <Alert role="alert">{t("deleted")}</Alert>;
    return <PageLoader label={t("connecting")} />;
  }
  const started = detail.data?.created_at ? Date.parse(detail.data.created_at) : null;
  const ended = progress.final && progress.updated_at ? Date.parse(progress.updated_at) : now;
  const elapsed = started !== null ? Math.max(0, (ended - started) / 1000) : null;
  const eta = etaNow(progress, live.receivedAt, now);
  const percent = Math.round(progress.percent);

  return (
    <Stack maw={760} mx="auto">
      <Group justify="space-between" wrap="wrap">
        <Title order={1}>{t("title")}</Title>
        <Badge size="lg" color={progress.status === "completed" ? "green" : progress.status === "failed" ? "red" : "blue"}>
          {t(`status:${progress.status}`)}
        </Badge>
      </Group>
      {detail.data?.theme && (
        <Text c="dimmed" lineClamp={3}>
          {detail.data.theme}
        </Text>
      )}
      <Card withBorder>
        <Stack>
          <Text size="lg" fw={600} data-testid="stage" aria-live="polite">
            {t(`stage.${progress.status}`)}
          </Text>
          <Bar.Root size="xl" aria-hidden>
            <Bar.Section value={progress.percent} color={progress.status === "failed" ? "red" : undefined} animated={!progress.final} />
          </Bar.Root>
          <div role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} aria-label={t("percentLabel")} data-testid="percent">
            <Text size="xl" fw={700}>
              {t("percent", { percent })}
            </Text>
          </div>
          <SimpleGrid cols={{ base: 1, xs: 3 }}>
            <div>
              <Text size="xs" c="dimmed">{t("blocks")}</Text>
              <Text fw={600} data-testid="blocks">
                {t("blocksValue", { done: progress.completed_blocks, total: progress.total_blocks || "–" })}
              </Text>
            </div>
            <div>
              <Text size="xs" c="dimmed">{t("elapsed")}</Text>
              <Text fw={600}>{formatDuration(t, elapsed)}</Text>
            </div>
            <div>
              <Text size="xs" c="dimmed">{t("eta")}</Text>
              <Text fw={600}>{progress.final ? "–" : eta === null ? t("etaUnknown") : formatDuration(t, eta)}</Text>
            </div>
          </SimpleGrid>
          {live.connection === "reconnecting" && (
            <Text size="sm" c="orange" role="status">
              {t("reconnecting")}
            </Text>
          )}
        </Stack>
      </Card>
      <WhatNext progress={progress} detail={detail.data} />
      {progress.status === "completed" && (
        <Group>
          <Button component={Link} to={`/videos?open=${encodeURIComponent(videoId)}`}>
            {t("watch")}
          </Button>
          <Button component={Link} to="/create" variant="default">
            {t("another")}
          </Button>
        </Group>
      )}
      {!progress.final && (
        <Text size="sm" c="dimmed">
          {t("leave")}
        </Text>
      )}
    </Stack>
  );
}
