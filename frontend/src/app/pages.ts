// Every page of the dashboard, in one table: the router, the navigation and the access
// guard read it. A new page: its folder under src/pages/<name>/ (a default-exported
// component), its locales/<lng>/<name>.json in en, fr and es, and one entry here.
import type { ComponentType } from "react";

export type Access = "public" | "guest" | "signedIn" | "admin";

export interface PageEntry {
  /** Route path (react-router syntax). */
  path: string;
  /** Lazy import of the page module: each page is its own chunk. */
  load: () => Promise<{ default: ComponentType }>;
  /** public: anyone; guest: signed-out only; signedIn: the session; admin: the admin role. */
  access: Access;
  /** Shown in the navigation with common:nav.<nav>, in this order. */
  nav?: string;
}

export const PAGES: PageEntry[] = [
  { path: "/", load: () => import("../pages/landing/LandingPage"), access: "public" },
  { path: "/sign-in", load: () => import("../pages/auth/SignInPage"), access: "guest" },
  { path: "/sign-up", load: () => import("../pages/auth/SignUpPage"), access: "guest" },
  { path: "/create", load: () => import("../pages/create/CreatePage"), access: "signedIn", nav: "create" },
  { path: "/videos", load: () => import("../pages/videos/MyVideosPage"), access: "signedIn", nav: "videos" },
  { path: "/characters", load: () => import("../pages/characters/CharactersPage"), access: "signedIn", nav: "characters" },
  { path: "/series", load: () => import("../pages/series/SeriesPage"), access: "signedIn", nav: "series" },
  { path: "/series/:scheduleId", load: () => import("../pages/series/SeriesDetailPage"), access: "signedIn" },
  { path: "/billing", load: () => import("../pages/billing/BillingPage"), access: "signedIn", nav: "billing" },
  { path: "/account", load: () => import("../pages/account/AccountPage"), access: "signedIn", nav: "account" },
  { path: "/admin", load: () => import("../pages/admin/AdminPage"), access: "admin", nav: "admin" },
  {
    path: "/videos/:videoId/progress",
    load: () => import("../pages/progress/ProgressPage"),
    access: "signedIn",
  },
];
