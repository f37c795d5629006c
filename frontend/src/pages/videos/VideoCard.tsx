import { ActionIcon, AspectRatio, Badge, Button, Card, Group, Image, Stack, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { formatDuration } from "../../api/format";
import { mediaUrl, type Character } from "../../api/queries";
import { TERMINAL, type VideoSummary } from "../../api/types";

const STATUS_COLORS: Record<string, string> = { completed: "green", failed: "red", cancelled: "gray" };

export function VideoCard({
  video,
  characters,
  onPlay,
  onFavorite,
  onCancel,
  onDelete,
}: {
  video: VideoSummary;
  characters: Character[];
  onPlay: () => void;
  onFavorite: () => void;
  onCancel: () => void;
  onDelete: () => void;
}) {
  const { t } = useTranslation("videos");
  const running = !TERMINAL.includes(video.status);
  const character = characters.find((c) => c.character_id === video.character_id);
  const title = video.theme ?? video.video_id;
  return (
    <Card withBorder padding="sm" component="article" aria-label={title} data-testid="video-card">
      <Card.Section>
        {/* A width, not a max height: the ratio box would overflow a max height (300 px tall at 9:16). */}
        <AspectRatio ratio={9 / 16} maw={169} mx="auto" style={{ background: "var(--mantine-color-dark-7)" }}>
          {video.thumbnail_url ? (
            <Image src={mediaUrl(video.thumbnail_url)} alt="" loading="lazy" fit="cover" />
          ) : (
            <Text c="gray.3" ta="center" size="sm" p="md">
              {t(`status:${video.status}`)}
            </Text>
          )}
        </AspectRatio>
      </Card.Section>
      <Stack gap={6} mt="sm">
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <Text fw={600} lineClamp={2} size="sm">
            {title}
          </Text>
          <ActionIcon
            variant={video.favorite ? "filled" : "default"}
            color="yellow"
            onClick={onFavorite}
            aria-pressed={video.favorite}
            aria-label={video.favorite ? t("unfavorite", { title }) : t("favorite", { title })}
          >
            <span aria-hidden>{video.favorite ? "★" : "☆"}</span>
          </ActionIcon>
        </Group>
        <Group gap={6}>
          <Badge color={STATUS_COLORS[video.status] ?? "blue"} variant="light">
            {t(`status:${video.status}`)}
          </Badge>
          {video.style && <Badge variant="outline">{t(`common:style.${video.style}`)}</Badge>}
          {video.language && <Badge variant="outline">{video.language.toUpperCase()}</Badge>}
        </Group>
        <Text size="xs" c="dimmed">
          {[
            video.duration ? formatDuration(t, video.duration) : null,
            t("views", { count: video.views }),
            character ? t("character", { name: character.name }) : null,
            video.series_id ? t("series") : null,
          ]
            .filter(Boolean)
            .join(" · ")}
        </Text>
        {video.status === "failed" && video.error?.code && (
          <Text size="xs" c="red">
            {t(`errors:${video.error.code.replace(/\./g, "_")}`, { defaultValue: t("errors:unknown") })}
          </Text>
        )}
        <Group gap="xs">
          {video.status === "completed" && (
            <Button size="xs" onClick={onPlay}>
              {t("play")}
            </Button>
          )}
          {running && (
            <>
              <Button size="xs" variant="light" component={Link} to={`/videos/${encodeURIComponent(video.video_id)}/progress`}>
                {t("progress")}
              </Button>
              <Button size="xs" variant="default" onClick={onCancel}>
                {t("cancel")}
              </Button>
            </>
          )}
          <Button size="xs" variant="subtle" color="red" onClick={onDelete}>
            {t("delete")}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
