import { useTranslation } from "react-i18next";
import { usePageTitle } from "../../components/usePageTitle";
import { AuthForm } from "./AuthForm";
import { useAuthSubmit } from "./useAuthSubmit";

export default function SignInPage() {
  const { t } = useTranslation("auth");
  usePageTitle(t("signIn.title"));
  const { run, error } = useAuthSubmit("/videos");
  return (
    <AuthForm
      mode="signIn"
      error={error}
      onSubmit={async ({ email, password }) => {
        const { signInWithPassword } = await import("../../auth/firebase");
        await run(() => signInWithPassword(email, password));
      }}
    />
  );
}
