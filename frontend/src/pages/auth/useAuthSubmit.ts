import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useSearchParams } from "react-router";
import type { User } from "firebase/auth";
import { useSession } from "../../auth/session";
import { errorText } from "../../i18n/apiText";
import { ApiError } from "../../api/client";

/** Runs a Firebase sign-in or sign-up, starts the API session, then goes to ?next= or home. */
export function useAuthSubmit(fallback: string) {
  const { t } = useTranslation("auth");
  const { startSession } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [error, setError] = useState<string | null>(null);

  async function run(firebaseStep: () => Promise<User>) {
    setError(null);
    try {
      const user = await firebaseStep();
      await startSession(user);
      const next = params.get("next");
      navigate(next && next.startsWith("/") && !next.startsWith("//") ? next : fallback, { replace: true });
    } catch (cause) {
      if (cause instanceof ApiError) {
        setError(errorText(t, cause));
      } else {
        const { firebaseErrorKey } = await import("../../auth/firebase");
        setError(t(firebaseErrorKey(cause)));
      }
    }
  }
  return { run, error };
}
