// An unverified creator may sign in but not create videos (403 email_not_verified): this says
// so, resends the link, and after the link was opened mints a new session whose claims carry
// email_verified (the cookie keeps the claims of the ID token it was made from).
import { Alert, Button, Group, Text } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useSession } from "../auth/session";

export function VerifyEmailBanner() {
  const { t } = useTranslation("auth");
  const { me, startSession } = useSession();
  const [note, setNote] = useState<string | null>(null);
  if (!me || me.email_verified) return null;

  const recheck = async () => {
    const { refreshedUser } = await import("../auth/firebase");
    const user = await refreshedUser();
    if (!user) return setNote(t("verify.signInAgain"));
    if (!user.emailVerified) return setNote(t("verify.notYet"));
    await startSession(user, true);
    setNote(null);
  };
  const resend = async () => {
    const { resendVerification } = await import("../auth/firebase");
    setNote((await resendVerification()) ? t("verify.sent") : t("verify.signInAgain"));
  };
  return (
    <Alert color="yellow" title={t("verify.title")} mb="md" data-testid="verify-banner">
      <Text size="sm">{t("verify.body", { email: me.email })}</Text>
      {note && (
        <Text size="sm" mt="xs" role="status">
          {note}
        </Text>
      )}
      <Group mt="sm" gap="xs">
        <Button size="xs" onClick={() => void recheck()}>
          {t("verify.done")}
        </Button>
        <Button size="xs" variant="light" onClick={() => void resend()}>
          {t("verify.resend")}
        </Button>
      </Group>
    </Alert>
  );
}
