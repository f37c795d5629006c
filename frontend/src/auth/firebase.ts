// The Firebase JS SDK, loaded only when a page signs in, up or verifies (keeps it out of the
// landing page's bundle). The API's __session cookie is the session from then on; the SDK's
// own user is kept only to send and check the email verification.
import type { Auth, User } from "firebase/auth";
import { loadConfig } from "./config";

let authPromise: Promise<{ auth: Auth; sdk: typeof import("firebase/auth") }> | null = null;

export function firebaseAuth() {
  authPromise ??= (async () => {
    const [config, { initializeApp }, sdk] = await Promise.all([
      loadConfig(),
      import("firebase/app"),
      import("firebase/auth"),
    ]);
    const app = initializeApp(config.firebase);
    const auth = sdk.getAuth(app);
    if (config.authEmulatorUrl) sdk.connectAuthEmulator(auth, config.authEmulatorUrl, { disableWarnings: true });
    return { auth, sdk };
  })();
  return authPromise;
}

export async function signInWithPassword(email: string, password: string): Promise<User> {
  const { auth, sdk } = await firebaseAuth();
  const found = await sdk.signInWithEmailAndPassword(auth, email, password);
  return found.user;
}

export async function signUpWithPassword(email: string, password: string, name: string): Promise<User> {
  const { auth, sdk } = await firebaseAuth();
  const made = await sdk.createUserWithEmailAndPassword(auth, email, password);
  if (name) await sdk.updateProfile(made.user, { displayName: name });
  await sdk.sendEmailVerification(made.user);
  return made.user;
}

/** The signed-in Firebase user after a reload from the server (email_verified fresh), or null. */
export async function refreshedUser(): Promise<User | null> {
  const { auth } = await firebaseAuth();
  await auth.authStateReady();
  if (!auth.currentUser) return null;
  await auth.currentUser.reload();
  return auth.currentUser;
}

export async function resendVerification(): Promise<boolean> {
  const { auth, sdk } = await firebaseAuth();
  await auth.authStateReady();
  if (!auth.currentUser) return false;
  await sdk.sendEmailVerification(auth.currentUser);
  return true;
}

export async function firebaseSignOut(): Promise<void> {
  if (!authPromise) return;
  const { auth, sdk } = await authPromise;
  await sdk.signOut(auth);
}

/** Firebase's error code (auth/wrong-password ...) as a key of auth.json's "firebase" block. */
export function firebaseErrorKey(error: unknown): string {
  const code = (error as { code?: string })?.code ?? "";
  const known = [
    "auth/invalid-credential",
    "auth/wrong-password",
    "auth/user-not-found",
    "auth/email-already-in-use",
    "auth/weak-password",
    "auth/invalid-email",
    "auth/too-many-requests",
    "auth/network-request-failed",
  ];
  return known.includes(code) ? `firebase.${code.replace("auth/", "").replace(/-/g, "_")}` : "firebase.other";
}
