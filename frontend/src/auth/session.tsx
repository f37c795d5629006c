// Who is signed in: GET /api/me with the __session cookie (401: nobody). Signing in exchanges
// a fresh Firebase ID token for the cookie (POST /api/session, decision 0015).
import { createContext, useCallback, useContext, useMemo, type ReactNode } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { User } from "firebase/auth";
import { api, ApiError } from "../api/client";
import type { Me } from "../api/types";
import { currentLanguage } from "../i18n";

interface Session {
  me: Me | null;
  loading: boolean;
  /** Exchanges the Firebase user's ID token for the session cookie. */
  startSession: (user: User, forceRefresh?: boolean) => Promise<Me>;
  signOut: (everywhere?: boolean) => Promise<void>;
}

const SessionContext = createContext<Session | null>(null);
export const ME_KEY = ["me"] as const;
// The cookie is HttpOnly, so the page cannot see it: this flag says a session was started in
// this browser, so a first visit asks nothing (no 401 in the console, one request less).
const HINT = "session-hint";

async function fetchMe(): Promise<Me | null> {
  if (!localStorage.getItem(HINT)) return null;
  try {
    return await api<Me>("/me");
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      localStorage.removeItem(HINT);
      return null;
    }
    throw error;
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  const me = useQuery({ queryKey: ME_KEY, queryFn: fetchMe, staleTime: 60_000, retry: 1 });

  const startSession = useCallback(
    async (user: User, forceRefresh = false) => {
      const idToken = await user.getIdToken(forceRefresh);
      const signedIn = await api<Me>("/session", {
        method: "POST",
        body: { id_token: idToken, locale: currentLanguage() },
      });
      localStorage.setItem(HINT, "1");
      client.setQueryData(ME_KEY, signedIn);
      return signedIn;
    },
    [client],
  );

  const signOut = useCallback(
    async (everywhere = false) => {
      await api<void>(everywhere ? "/session/sign-out-everywhere" : "/session", {
        method: everywhere ? "POST" : "DELETE",
      });
      localStorage.removeItem(HINT);
      const { firebaseSignOut } = await import("./firebase");
      await firebaseSignOut();
      client.clear();
      client.setQueryData(ME_KEY, null);
    },
    [client],
  );

  const value = useMemo<Session>(
    () => ({ me: me.data ?? null, loading: me.isPending, startSession, signOut }),
    [me.data, me.isPending, startSession, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside SessionProvider");
  return session;
}
