import { Button, Group, Modal, NativeSelect, SimpleGrid, Stack, Tabs, Text, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useCharacters } from "../../api/queries";
import { LANGUAGES, STYLES, type VideoSummary } from "../../api/types";
import { EmptyState, ErrorState, PageLoader } from "../../components/PageState";
import { usePageTitle } from "../../components/usePageTitle";
import { VerifyEmailBanner } from "../../components/VerifyEmailBanner";
import { errorText } from "../../i18n/apiText";
import { PlayerModal } from "./PlayerModal";
import { SORTS, useLibrary, useLibraryFilters, useVideoActions, type Sort } from "./useLibrary";
import { VideoCard } from "./VideoCard";

export default function MyVideosPage() {
  const { t } = useTranslation("videos");
  usePageTitle(t("title"));
  const { filters, update, openId } = useLibraryFilters();
  const { page, pageNumber, next, previous } = useLibrary(filters);
  const characters = useCharacters();
  const actions = useVideoActions();
  const [playing, setPlaying] = useState<VideoSummary | null>(null);
  const [deleting, setDeleting] = useState<VideoSummary | null>(null);
  const videos = page.data?.videos ?? [];
  const opened = playing ?? (openId ? videos.find((v) => v.video_id === openId && v.status === "completed") ?? null : null);
  const filtered = !!(filters.style || filters.language || filters.character);
  const actionError = actions.favorite.error ?? actions.cancel.error ?? actions.remove.error;

  return (
    <Stack maw={1200} mx="auto">
      <Group justify="space-between">
        <Title order={1}>{t("title")}</Title>
        <Button component={Link} to="/create">
          {t("create")}
        </Button>
      </Group>
      <VerifyEmailBanner />
      <Tabs value={filters.tab} onChange={(tab) => update({ tab: tab === "favorites" ? "favorites" : "all" })} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="all">{t("tabs.all")}</Tabs.Tab>
          <Tabs.Tab value="favorites">{t("tabs.favorites")}</Tabs.Tab>
        </Tabs.List>
      </Tabs>
      <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="xs" role="group" aria-label={t("filters.label")}>
        <NativeSelect
          label={t("filters.sort")}
          value={filters.sort}
          onChange={(e) => update({ sort: e.currentTarget.value as Sort })}
          data={SORTS.map((s) => ({ value: s, label: t(`sort.${s}`) }))}
        />
        <NativeSelect
          label={t("filters.style")}
          value={filters.style}
          onChange={(e) => update({ style: e.currentTarget.value })}
          data={[{ value: "", label: t("filters.any") }, ...STYLES.map((s) => ({ value: s, label: t(`common:style.${s}`) }))]}
        />
        <NativeSelect
          label={t("filters.language")}
          value={filters.language}
          onChange={(e) => update({ language: e.currentTarget.value })}
          data={[{ value: "", label: t("filters.any") }, ...LANGUAGES.map((l) => ({ value: l, label: t(`common:videoLanguage.${l}`) }))]}
        />
        <NativeSelect
          label={t("filters.character")}
          value={filters.character}
          onChange={(e) => update({ character: e.currentTarget.value })}
          data={[{ value: "", label: t("filters.any") }, ...(characters.data ?? []).map((c) => ({ value: c.character_id, label: c.name }))]}
        />
      </SimpleGrid>
      {actionError && <ErrorState error={actionError} />}
      {page.isPending ? (
        <PageLoader />
      ) : page.isError ? (
        <ErrorState error={page.error} onRetry={() => void page.refetch()} />
      ) : videos.length === 0 ? (
        <EmptyState
          title={filtered ? t("empty.filtered") : filters.tab === "favorites" ? t("empty.favorites") : t("empty.none")}
          action={
            !filtered && filters.tab === "all" ? (
              <Button component={Link} to="/create">
                {t("create")}
              </Button>
            ) : undefined
          }
        >
          {filtered ? t("empty.filteredHint") : filters.tab === "favorites" ? t("empty.favoritesHint") : t("empty.noneHint")}
        </EmptyState>
      ) : (
        <SimpleGrid cols={{ base: 1, xs: 2, sm: 3, md: 4 }} data-testid="video-grid" aria-busy={page.isFetching}>
          {videos.map((video) => (
            <VideoCard
              key={video.video_id}
              video={video}
              characters={characters.data ?? []}
              onPlay={() => setPlaying(video)}
              onFavorite={() => actions.favorite.mutate({ id: video.video_id, on: !video.favorite })}
              onCancel={() => actions.cancel.mutate(video.video_id)}
              onDelete={() => setDeleting(video)}
            />
          ))}
        </SimpleGrid>
      )}
      {(pageNumber > 1 || page.data?.next_cursor) && (
        <Group justify="center" component="nav" aria-label={t("paging.label")}>
          <Button variant="default" onClick={previous} disabled={pageNumber <= 1}>
            {t("paging.previous")}
          </Button>
          <Text size="sm">{t("paging.page", { page: pageNumber })}</Text>
          <Button variant="default" onClick={next} disabled={!page.data?.next_cursor}>
            {t("paging.next")}
          </Button>
        </Group>
      )}
      <PlayerModal video={opened} onClose={() => { setPlaying(null); if (openId) update({}); }} onViewed={(id) => actions.view.mutate(id)} />
      <Modal opened={!!deleting} onClose={() => setDeleting(null)} title={t("confirmDelete.title")} centered>
        <Stack>
          <Text size="sm">{t("confirmDelete.body", { title: deleting?.theme ?? deleting?.video_id })}</Text>
          {actions.remove.error && <Text c="red" size="sm">{errorText(t, actions.remove.error)}</Text>}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setDeleting(null)}>
              {t("confirmDelete.keep")}
            </Button>
            <Button
              color="red"
              loading={actions.remove.isPending}
              onClick={() => deleting && actions.remove.mutate(deleting.video_id, { onSuccess: () => setDeleting(null) })}
            >
              {t("confirmDelete.confirm")}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
