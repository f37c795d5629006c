// The seekable player (native controls: seeking is Range requests to the media URL) with a
// download link; one view is counted when playback starts.
import { Anchor, Group, Modal, Stack, Text } from "@mantine/core";
import { useRef } from "react";
import { useTranslation } from "react-i18next";
import { formatDuration } from "../../api/format";
import { mediaUrl } from "../../api/queries";
import type { VideoSummary } from "../../api/types";

export function PlayerModal({ video, onClose, onViewed }: { video: VideoSummary | null; onClose: () => void; onViewed: (id: string) => void }) {
  const { t } = useTranslation("videos");
  const counted = useRef<string | null>(null);
  const src = mediaUrl(video?.final_video_url);
  return (
    <Modal opened={!!video} onClose={onClose} title={video?.theme ?? ""} size="auto" centered>
      {video && src && (
        <Stack align="center" gap="xs">
          <video
            src={src}
            poster={mediaUrl(video.thumbnail_url)}
            controls
            autoPlay
            playsInline
            preload="metadata"
            data-testid="player"
            style={{ maxHeight: "70vh", maxWidth: "100%", aspectRatio: "9 / 16", background: "#000" }}
            onPlay={() => {
              if (counted.current !== video.video_id) {
                counted.current = video.video_id;
                onViewed(video.video_id);
              }
            }}
          >
            {video.captions_url && <track kind="captions" src={mediaUrl(video.captions_url)} label={t("captions")} default />}
          </video>
          <Group gap="md">
            <Text size="sm" c="dimmed">
              {formatDuration(t, video.duration)}
            </Text>
            <Anchor href={src} download={`${video.video_id}.mp4`} size="sm">
              {t("download")}
            </Anchor>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
