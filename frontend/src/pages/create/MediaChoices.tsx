// Character (None + mine, with the chosen one's picture), music (None + tracks, with a play
// preview) and the optional narration voice.
import { ActionIcon, Avatar, Group, NativeSelect, Stack, Text } from "@mantine/core";
import { useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { mediaUrl, useCharacters, useMusic, useVoices } from "../../api/queries";

export function CharacterChoice({ value, onChange, error }: { value: string; onChange: (id: string) => void; error?: string }) {
  const { t } = useTranslation("create");
  const characters = useCharacters();
  const chosen = characters.data?.find((c) => c.character_id === value);
  return (
    <Group align="flex-end" wrap="nowrap" gap="sm">
      <NativeSelect
        label={t("character.label")}
        value={value}
        error={error}
        disabled={characters.isPending}
        description={characters.isError ? t("character.unavailable") : undefined}
        onChange={(e) => onChange(e.currentTarget.value)}
        data={[
          { value: "", label: t("character.none") },
          ...(characters.data ?? []).map((c) => ({ value: c.character_id, label: c.name })),
        ]}
        style={{ flex: 1 }}
      />
      {chosen && (
        <Avatar src={mediaUrl(chosen.image_url)} alt={t("character.picture", { name: chosen.name })} size="lg" radius="sm" />
      )}
    </Group>
  );
}

export function MusicChoice({ value, onChange, error }: { value: string; onChange: (id: string) => void; error?: string }) {
  const { t } = useTranslation("create");
  const music = useMusic();
  const audio = useRef<HTMLAudioElement>(null);
  const [playing, setPlaying] = useState(false);
  const chosen = music.data?.find((track) => track.track_id === value);
  const toggle = () => {
    const element = audio.current;
    if (!element) return;
    if (element.paused) void element.play().then(() => setPlaying(true)).catch(() => setPlaying(false));
    else element.pause();
  };
  return (
    <Stack gap={4}>
      <Group align="flex-end" wrap="nowrap" gap="sm">
        <NativeSelect
          label={t("music.label")}
          value={value}
          error={error}
          disabled={music.isPending}
          onChange={(e) => {
            audio.current?.pause();
            onChange(e.currentTarget.value);
          }}
          data={[
            { value: "", label: t("music.none") },
            ...(music.data ?? []).map((track) => ({ value: track.track_id, label: `${track.name} (${track.category})` })),
          ]}
          style={{ flex: 1 }}
        />
        <ActionIcon
          size="lg"
          variant="light"
          disabled={!chosen?.preview_url}
          onClick={toggle}
          aria-label={playing ? t("music.pause") : t("music.play")}
          aria-pressed={playing}
        >
          <span aria-hidden>{playing ? "❚❚" : "▶"}</span>
        </ActionIcon>
      </Group>
      {chosen?.preview_url && (
        <audio
          ref={audio}
          src={mediaUrl(chosen.preview_url)}
          preload="none"
          onPause={() => setPlaying(false)}
          onEnded={() => setPlaying(false)}
          data-testid="music-preview"
        />
      )}
      <Text size="xs" c="dimmed">
        {t("music.hint")}
      </Text>
    </Stack>
  );
}

export function VoiceChoice({ value, onChange, error }: { value: string; onChange: (voice: string) => void; error?: string }) {
  const { t } = useTranslation("create");
  const voices = useVoices();
  return (
    <NativeSelect
      label={t("voice.label")}
      description={t("voice.hint")}
      value={value}
      error={error}
      disabled={voices.isPending}
      onChange={(e) => onChange(e.currentTarget.value)}
      data={[{ value: "", label: t("voice.none") }, ...(voices.data ?? []).map((v) => ({ value: v, label: v }))]}
    />
  );
}
