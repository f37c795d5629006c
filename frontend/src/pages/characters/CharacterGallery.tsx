// The creator's characters (and the shared catalogue ones): make a video with one, delete one.
import { AspectRatio, Badge, Button, Card, Group, Image, Modal, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { api } from "../../api/client";
import { keys, mediaUrl, useCharacters, type Character } from "../../api/queries";
import { EmptyState, ErrorState, QueryState } from "../../components/PageState";

export type CharacterView = Character & { shared?: boolean; created_at?: string | null };

function DeleteCharacter({ character, onClose }: { character: CharacterView | null; onClose: () => void }) {
  const { t } = useTranslation("characters");
  const client = useQueryClient();
  const remove = useMutation({
    mutationFn: (id: string) => api(`/characters/${encodeURIComponent(id)}`, { method: "DELETE" }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: keys.characters });
      onClose();
    },
  });
  return (
    <Modal opened={character !== null} onClose={onClose} title={t("delete.title", { name: character?.name ?? "" })}>
      <Stack>
        <Text size="sm">{t("delete.body")}</Text>
        {remove.isError && <ErrorState error={remove.error} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t("delete.cancel")}
          </Button>
          <Button color="red" loading={remove.isPending} onClick={() => character && remove.mutate(character.character_id)}>
            {t("delete.confirm")}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function CharacterCard({ character, onDelete }: { character: CharacterView; onDelete: () => void }) {
  const { t } = useTranslation("characters");
  const image = mediaUrl(character.image_url);
  return (
    <Card withBorder padding="sm" data-testid="character-card" component="article" aria-label={character.name}>
      <Card.Section>
        <AspectRatio ratio={1}>
          {image ? (
            <Image src={image} alt={t("card.imageAlt", { name: character.name })} fit="cover" loading="lazy" />
          ) : (
            <Text ta="center" c="dimmed" size="sm" py="xl">
              {t("card.noImage")}
            </Text>
          )}
        </AspectRatio>
      </Card.Section>
      <Stack gap={6} mt="sm">
        <Group justify="space-between" wrap="nowrap" gap="xs">
          <Title order={3} size="h5" lineClamp={1}>
            {character.name}
          </Title>
          {character.style && <Badge variant="light">{t(`common:style.${character.style}`)}</Badge>}
        </Group>
        {character.shared && (
          <Badge variant="outline" color="gray" size="sm">
            {t("card.shared")}
          </Badge>
        )}
        <Text size="sm" c="dimmed" lineClamp={3}>
          {character.description}
        </Text>
        <Group gap="xs" mt={4}>
          <Button
            component={Link}
            to={`/create?character=${encodeURIComponent(character.character_id)}`}
            size="xs"
            aria-label={t("card.createWithLabel", { name: character.name })}
          >
            {t("card.createWith")}
          </Button>
          {!character.shared && (
            <Button
              size="xs"
              variant="light"
              color="red"
              onClick={onDelete}
              aria-label={t("card.deleteLabel", { name: character.name })}
            >
              {t("card.delete")}
            </Button>
          )}
        </Group>
      </Stack>
    </Card>
  );
}

export function CharacterGallery() {
  const { t } = useTranslation("characters");
  const characters = useCharacters();
  const [deleting, setDeleting] = useState<CharacterView | null>(null);
  return (
    <>
      <QueryState
        query={characters}
        isEmpty={(list) => list.length === 0}
        empty={<EmptyState title={t("empty.title")}>{t("empty.body")}</EmptyState>}
      >
        {(list) => (
          <SimpleGrid cols={{ base: 1, xs: 2, md: 3, lg: 4 }} spacing="md">
            {(list as CharacterView[]).map((character) => (
              <CharacterCard key={character.character_id} character={character} onDelete={() => setDeleting(character)} />
            ))}
          </SimpleGrid>
        )}
      </QueryState>
      <DeleteCharacter character={deleting} onClose={() => setDeleting(null)} />
    </>
  );
}
