// Every creator with their credits and videos; grant or remove credits, with a reason.
import { Badge, Button, Group, Modal, NumberInput, SegmentedControl, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { formatDate } from "../../api/format";
import { EmptyState, ErrorState, QueryState } from "../../components/PageState";
import { currentLanguage } from "../../i18n";
import { adjustCredits, adminKeys, useUsers, type UserRow } from "./adminApi";

function AdjustCredits({ user, onClose }: { user: UserRow | null; onClose: () => void }) {
  const { t } = useTranslation("admin");
  const client = useQueryClient();
  const [direction, setDirection] = useState<"grant" | "remove">("grant");
  const [amount, setAmount] = useState<number | string>(1);
  const [reason, setReason] = useState("");
  const [checked, setChecked] = useState(false);
  const adjust = useMutation({
    mutationFn: adjustCredits,
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: adminKeys.users });
      setReason("");
      setChecked(false);
      onClose();
    },
  });
  // The API's own bounds (billing/service.py admin_adjust): 1..1000 credits, a 3..200 character reason.
  const count = typeof amount === "number" ? amount : Number.NaN;
  const amountOk = Number.isInteger(count) && count >= 1 && count <= 1000;
  const reasonOk = reason.trim().length >= 3 && reason.trim().length <= 200;
  const amountError = checked && !amountOk ? t("credits.amountError") : undefined;
  const reasonError = checked && !reasonOk ? t("credits.reasonError") : undefined;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setChecked(true);
    if (!user || !amountOk || !reasonOk) return;
    adjust.mutate({ creator_id: user.uid, credits: direction === "grant" ? count : -count, reason: reason.trim() });
  };
  return (
    <Modal opened={user !== null} onClose={onClose} title={t("credits.title", { email: user?.email ?? user?.uid ?? "" })}>
      <form onSubmit={submit} noValidate>
      <Stack>
        <Text size="sm">{t("credits.balance", { count: user?.credits ?? 0 })}</Text>
        <SegmentedControl
          aria-label={t("credits.direction")}
          value={direction}
          onChange={(v) => setDirection(v as "grant" | "remove")}
          data={[
            { value: "grant", label: t("credits.grant") },
            { value: "remove", label: t("credits.remove") },
          ]}
        />
        <NumberInput label={t("credits.amount")} min={1} max={1000} allowDecimal={false} value={amount} onChange={setAmount} error={amountError} />
        <TextInput label={t("credits.reason")} description={t("credits.reasonHint")} value={reason}
          onChange={(e) => setReason(e.currentTarget.value)} error={reasonError} maxLength={200} />
        {adjust.isError && <ErrorState error={adjust.error} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>{t("cancel")}</Button>
          <Button type="submit" loading={adjust.isPending} color={direction === "remove" ? "red" : undefined}>
            {direction === "grant" ? t("credits.grant") : t("credits.remove")}
          </Button>
        </Group>
      </Stack>
      </form>
    </Modal>
  );
}

export function Users() {
  const { t } = useTranslation("admin");
  const lang = currentLanguage();
  const users = useUsers();
  const [adjusting, setAdjusting] = useState<UserRow | null>(null);
  return (
    <Stack component="section" aria-labelledby="users-title">
      <Title order={2} size="h3" id="users-title">{t("users.title")}</Title>
      <QueryState query={users} isEmpty={(rows) => rows.length === 0} empty={<EmptyState title={t("users.empty")} />}>
        {(rows) => (
          <Table.ScrollContainer minWidth={340}>
            <Table striped data-testid="users">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("users.email")}</Table.Th>
                  <Table.Th ta="right">{t("users.credits")}</Table.Th>
                  <Table.Th ta="right">{t("users.videos")}</Table.Th>
                  <Table.Th visibleFrom="sm">{t("users.since")}</Table.Th>
                  <Table.Th>{t("users.actions")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((user) => (
                  <Table.Tr key={user.uid}>
                    <Table.Td>
                      <Text size="sm" style={{ wordBreak: "break-all" }}>{user.email ?? user.uid}</Text>
                      <Group gap={4}>
                        {user.roles.includes("admin") && <Badge size="xs">{t("users.admin")}</Badge>}
                        {!user.email_verified && <Badge size="xs" color="red.9" variant="outline">{t("users.unverified")}</Badge>}
                      </Group>
                    </Table.Td>
                    <Table.Td ta="right">{user.credits}</Table.Td>
                    <Table.Td ta="right">{user.videos}</Table.Td>
                    <Table.Td visibleFrom="sm"><Text size="sm">{formatDate(user.created_at, lang)}</Text></Table.Td>
                    <Table.Td>
                      <Button size="xs" variant="light" onClick={() => setAdjusting(user)}
                        aria-label={t("users.adjustLabel", { email: user.email ?? user.uid })}>
                        {t("users.adjust")}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </QueryState>
      <AdjustCredits user={adjusting} onClose={() => setAdjusting(null)} />
    </Stack>
  );
}
