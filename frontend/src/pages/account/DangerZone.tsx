// Export my data, sign out (here or everywhere), delete my account (typed confirmation).
import { Button, Card, Group, Modal, Stack, Text, TextInput, Title } from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { useSession } from "../../auth/session";
import { ErrorState } from "../../components/PageState";
import { deleteAccount, downloadExport } from "./accountApi";

function DeleteAccount({ opened, onClose, email }: { opened: boolean; onClose: () => void; email: string }) {
  const { t } = useTranslation("account");
  const [typed, setTyped] = useState("");
  const navigate = useNavigate();
  const { signOut } = useSession();
  const remove = useMutation({
    mutationFn: deleteAccount,
    onSuccess: async () => {
      // The API already ended the session; this forgets it in the page and in the SDK.
      await signOut().catch(() => undefined);
      navigate("/");
    },
  });
  // The creator types their own email: a deliberate act in any language (the API's body is fixed).
  const matches = typed.trim().toLowerCase() === email.toLowerCase();
  return (
    <Modal opened={opened} onClose={onClose} title={t("delete.title")}>
      <Stack>
        <Text size="sm">{t("delete.body")}</Text>
        <TextInput
          label={t("delete.typeEmail", { email })}
          value={typed}
          onChange={(e) => setTyped(e.currentTarget.value)}
          autoComplete="off"
        />
        {remove.isError && <ErrorState error={remove.error} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>{t("cancel")}</Button>
          <Button color="red" disabled={!matches} loading={remove.isPending} onClick={() => remove.mutate()}>
            {t("delete.confirm")}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

export function DangerZone() {
  const { t } = useTranslation("account");
  const { me, signOut } = useSession();
  const navigate = useNavigate();
  const [deleting, setDeleting] = useState(false);
  const exported = useMutation({ mutationFn: downloadExport });
  const out = useMutation({ mutationFn: (everywhere: boolean) => signOut(everywhere), onSuccess: () => navigate("/") });
  return (
    <>
      <Card withBorder component="section" aria-labelledby="export-title">
        <Title order={2} size="h4" id="export-title">{t("export.title")}</Title>
        <Text size="sm" c="dimmed" mb="sm">{t("export.body")}</Text>
        <Button variant="light" onClick={() => exported.mutate()} loading={exported.isPending} style={{ alignSelf: "flex-start" }}>
          {t("export.download")}
        </Button>
        {exported.isError && <ErrorState error={exported.error} />}
      </Card>
      <Card withBorder component="section" aria-labelledby="signout-title">
        <Title order={2} size="h4" id="signout-title">{t("signOut.title")}</Title>
        <Text size="sm" c="dimmed" mb="sm">{t("signOut.body")}</Text>
        <Group>
          <Button variant="default" onClick={() => out.mutate(false)} loading={out.isPending && out.variables === false}>
            {t("signOut.here")}
          </Button>
          <Button variant="light" color="orange" onClick={() => out.mutate(true)} loading={out.isPending && out.variables === true}>
            {t("signOut.everywhere")}
          </Button>
        </Group>
        {out.isError && <ErrorState error={out.error} />}
      </Card>
      <Card withBorder component="section" aria-labelledby="delete-title" style={{ borderColor: "var(--mantine-color-red-6)" }}>
        <Title order={2} size="h4" id="delete-title">{t("delete.title")}</Title>
        <Text size="sm" c="dimmed" mb="sm">{t("delete.intro")}</Text>
        <Button color="red" variant="outline" onClick={() => setDeleting(true)} style={{ alignSelf: "flex-start" }}>
          {t("delete.open")}
        </Button>
      </Card>
      <DeleteAccount opened={deleting} onClose={() => setDeleting(false)} email={me?.email ?? ""} />
    </>
  );
}
