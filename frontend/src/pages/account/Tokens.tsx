// Personal API tokens: make one (shown once), see them, revoke one.
import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Table, Text, TextInput, Title, VisuallyHidden } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { formatDate } from "../../api/format";
import { EmptyState, ErrorState, QueryState } from "../../components/PageState";
import { currentLanguage } from "../../i18n";
import { createToken, revokeToken, tokensKey, useTokens, type CreatedToken, type TokenInfo } from "./accountApi";

function NewToken({ onCreated }: { onCreated: (token: CreatedToken) => void }) {
  const { t } = useTranslation("account");
  const client = useQueryClient();
  const [name, setName] = useState("");
  const [missing, setMissing] = useState(false);
  const create = useMutation({
    mutationFn: createToken,
    onSuccess: (token) => {
      setName("");
      onCreated(token);
      void client.invalidateQueries({ queryKey: tokensKey });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) return setMissing(true);
    create.mutate(name.trim());
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="xs">
      <Group align="flex-end" wrap="wrap">
        <TextInput
          label={t("tokens.name")}
          description={t("tokens.nameHint")}
          value={name}
          maxLength={100}
          onChange={(e) => {
            setName(e.currentTarget.value);
            setMissing(false);
          }}
          error={missing ? t("tokens.nameRequired") : undefined}
          style={{ flex: "1 1 220px" }}
        />
        <Button type="submit" loading={create.isPending}>{t("tokens.create")}</Button>
      </Group>
      {create.isError && <ErrorState error={create.error} />}
    </Stack>
      </form>
  );
}

function ShownOnce({ token, onClose }: { token: CreatedToken | null; onClose: () => void }) {
  const { t } = useTranslation("account");
  return (
    <Modal opened={token !== null} onClose={onClose} title={t("tokens.shownTitle")} size="lg">
      <Stack>
        <Alert color="yellow" role="status">{t("tokens.shownOnce")}</Alert>
        <Code block data-testid="new-token" style={{ wordBreak: "break-all", whiteSpace: "pre-wrap" }}>{token?.token}</Code>
        <Group justify="flex-end">
          <CopyButton value={token?.token ?? ""}>
            {({ copied, copy }) => (
              <Button variant="light" onClick={copy}>{copied ? t("tokens.copied") : t("tokens.copy")}</Button>
            )}
          </CopyButton>
          <Button onClick={onClose}>{t("tokens.done")}</Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function Revoke({ token, onClose }: { token: TokenInfo | null; onClose: () => void }) {
  const { t } = useTranslation("account");
  const client = useQueryClient();
  const revoke = useMutation({
    mutationFn: revokeToken,
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: tokensKey });
      onClose();
    },
  });
  return (
    <Modal opened={token !== null} onClose={onClose} title={t("tokens.revokeTitle", { name: token?.name ?? "" })}>
      <Stack>
        <Text size="sm">{t("tokens.revokeBody")}</Text>
        {revoke.isError && <ErrorState error={revoke.error} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>{t("cancel")}</Button>
          <Button color="red" loading={revoke.isPending} onClick={() => token && revoke.mutate(token.token_id)}>
            {t("tokens.revoke")}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

export function Tokens() {
  const { t } = useTranslation("account");
  const lang = currentLanguage();
  const tokens = useTokens();
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [revoking, setRevoking] = useState<TokenInfo | null>(null);
  return (
    <Stack component="section" aria-labelledby="tokens-title">
      <Title order={2} size="h3" id="tokens-title">{t("tokens.title")}</Title>
      <Text size="sm" c="dimmed">{t("tokens.intro")}</Text>
      <NewToken onCreated={setCreated} />
      <QueryState
        query={tokens}
        isEmpty={(list) => list.length === 0}
        empty={<EmptyState title={t("tokens.empty")}>{t("tokens.emptyBody")}</EmptyState>}
      >
        {(list) => (
          <Table.ScrollContainer minWidth={340}>
            <Table data-testid="tokens">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("tokens.name")}</Table.Th>
                  <Table.Th>{t("tokens.prefix")}</Table.Th>
                  <Table.Th visibleFrom="sm">{t("tokens.created")}</Table.Th>
                  <Table.Th visibleFrom="sm">{t("tokens.lastUsed")}</Table.Th>
                  <Table.Th><VisuallyHidden>{t("tokens.actions")}</VisuallyHidden></Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.map((token) => (
                  <Table.Tr key={token.token_id}>
                    <Table.Td>{token.name}</Table.Td>
                    <Table.Td><Code>{token.prefix}…</Code></Table.Td>
                    <Table.Td visibleFrom="sm">{formatDate(token.created_at, lang)}</Table.Td>
                    <Table.Td visibleFrom="sm">{token.last_used_at ? formatDate(token.last_used_at, lang) : t("tokens.never")}</Table.Td>
                    <Table.Td>
                      <Button size="xs" variant="light" color="red" onClick={() => setRevoking(token)}
                        aria-label={t("tokens.revokeLabel", { name: token.name })}>
                        {t("tokens.revoke")}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </QueryState>
      <ShownOnce token={created} onClose={() => setCreated(null)} />
      <Revoke token={revoking} onClose={() => setRevoking(null)} />
    </Stack>
  );
}
