import { Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { usePageTitle } from "../../components/usePageTitle";
import { AuthForm } from "./AuthForm";
import { useAuthSubmit } from "./useAuthSubmit";

export default function SignUpPage() {
  const { t } = useTranslation("auth");
  usePageTitle(t("signUp.title"));
  const { run, error } = useAuthSubmit("/create");
  return (
    <AuthForm
      mode="signUp"
      error={error}
      footer={<Text size="xs" c="dimmed">{t("signUp.verifyNote")}</Text>}
      onSubmit={async ({ email, password, name }) => {
        const { signUpWithPassword } = await import("../../auth/firebase");
        await run(() => signUpWithPassword(email, password, name));
      }}
    />
  );
}
