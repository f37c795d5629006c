// The music catalogue: the live tracks, retire one, add or replace one (its audio already
// uploaded under music/ in the media bucket).
import { Button, Group, Modal, NativeSelect, NumberInput, SimpleGrid, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../api/client";
import { formatDuration } from "../../api/format";
import { EmptyState, ErrorState, QueryState } from "../../components/PageState";
import { errorText } from "../../i18n/apiText";
import { adminKeys, MUSIC_CATEGORIES, putTrack, retireTrack, useCatalogue, type CatalogueTrack, type NewTrack } from "./adminApi";

const BLANK: NewTrack = { track_id: "", name: "", category: "calm", duration: 30, object: "music/", license: "" };

function AddTrack() {
  const { t } = useTranslation("admin");
  const client = useQueryClient();
  const [track, setTrack] = useState<NewTrack>(BLANK);
  const put = useMutation({
    mutationFn: putTrack,
    onSuccess: () => {
      setTrack(BLANK);
      void client.invalidateQueries({ queryKey: adminKeys.music });
    },
  });
  const set = <K extends keyof NewTrack>(key: K, value: NewTrack[K]) => setTrack((x) => ({ ...x, [key]: value }));
  // The API validates every field and names the one at fault: its sentence goes there.
  const field = put.error instanceof ApiError ? put.error.field : null;
  const fieldError = (key: keyof NewTrack) => (field === key ? errorText(t, put.error) : undefined);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    put.mutate(track);
  };
  return (
    <form onSubmit={submit} noValidate aria-labelledby="add-track">
      <Stack gap="xs">
      <Title order={3} size="h5" id="add-track">{t("music.add")}</Title>
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <TextInput label={t("music.id")} required value={track.track_id} onChange={(e) => set("track_id", e.currentTarget.value)} error={fieldError("track_id")} />
        <TextInput label={t("music.name")} required value={track.name} onChange={(e) => set("name", e.currentTarget.value)} error={fieldError("name")} />
        <NativeSelect label={t("music.category")} value={track.category} onChange={(e) => set("category", e.currentTarget.value)}
          data={[...MUSIC_CATEGORIES]} error={fieldError("category")} />
        <NumberInput label={t("music.duration")} min={1} max={3600} value={track.duration}
          onChange={(v) => set("duration", typeof v === "number" ? v : 0)} error={fieldError("duration")} />
        <TextInput label={t("music.object")} description={t("music.objectHint")} required value={track.object}
          onChange={(e) => set("object", e.currentTarget.value)} error={fieldError("object")} />
        <TextInput label={t("music.license")} required value={track.license} onChange={(e) => set("license", e.currentTarget.value)} error={fieldError("license")} />
      </SimpleGrid>
      {put.isError && !field && <ErrorState error={put.error} />}
      <Button type="submit" loading={put.isPending} style={{ alignSelf: "flex-start" }}>{t("music.save")}</Button>
    </Stack>
      </form>
  );
}

function RetireTrack({ track, onClose }: { track: CatalogueTrack | null; onClose: () => void }) {
  const { t } = useTranslation("admin");
  const client = useQueryClient();
  const retire = useMutation({
    mutationFn: retireTrack,
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: adminKeys.music });
      onClose();
    },
  });
  return (
    <Modal opened={track !== null} onClose={onClose} title={t("music.retireTitle", { name: track?.name ?? "" })}>
      <Stack>
        <Text size="sm">{t("music.retireBody")}</Text>
        {retire.isError && <ErrorState error={retire.error} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>{t("cancel")}</Button>
          <Button color="red" loading={retire.isPending} onClick={() => track && retire.mutate(track.track_id)}>{t("music.retire")}</Button>
        </Group>
      </Stack>
    </Modal>
  );
}

export function Music() {
  const { t } = useTranslation("admin");
  const tracks = useCatalogue();
  const [retiring, setRetiring] = useState<CatalogueTrack | null>(null);
  return (
    <Stack component="section" aria-labelledby="music-title">
      <Title order={2} size="h3" id="music-title">{t("music.title")}</Title>
      <QueryState query={tracks} isEmpty={(rows) => rows.length === 0} empty={<EmptyState title={t("music.empty")} />}>
        {(rows) => (
          <Table.ScrollContainer minWidth={340}>
            <Table striped data-testid="music">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("music.name")}</Table.Th>
                  <Table.Th>{t("music.category")}</Table.Th>
                  <Table.Th visibleFrom="sm">{t("music.duration")}</Table.Th>
                  <Table.Th visibleFrom="sm">{t("music.license")}</Table.Th>
                  <Table.Th>{t("users.actions")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((track) => (
                  <Table.Tr key={track.track_id}>
                    <Table.Td>{track.name}</Table.Td>
                    <Table.Td>{track.category}</Table.Td>
                    <Table.Td visibleFrom="sm">{formatDuration(t, track.duration)}</Table.Td>
                    <Table.Td visibleFrom="sm"><Text size="xs" lineClamp={2}>{track.license}</Text></Table.Td>
                    <Table.Td>
                      <Button size="xs" variant="light" color="red" onClick={() => setRetiring(track)}
                        aria-label={t("music.retireLabel", { name: track.name })}>
                        {t("music.retire")}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </QueryState>
      <AddTrack />
      <RetireTrack track={retiring} onClose={() => setRetiring(null)} />
    </Stack>
  );
}
