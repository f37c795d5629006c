import { lazy, Suspense, type ReactNode } from "react";
import { createBrowserRouter, Navigate, useLocation, type RouteObject } from "react-router";
import { PAGES, type PageEntry } from "./pages";
import { Layout } from "./Layout";
import { useSession } from "../auth/session";
import { PageLoader } from "../components/PageState";
import NotFoundPage from "../pages/NotFoundPage";

function Guard({ access, children }: { access: PageEntry["access"]; children: ReactNode }) {
  const { me, loading } = useSession();
  const location = useLocation();
  if (access === "public") return children;
  if (loading) return <PageLoader />;
  if (access === "guest") return me ? <Navigate to="/videos" replace /> : children;
  if (!me) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/sign-in?next=${next}`} replace />;
  }
  if (access === "admin" && !me.roles.includes("admin")) return <NotFoundPage />;
  return children;
}

function route(entry: PageEntry): RouteObject {
  const Page = lazy(entry.load);
  return {
    path: entry.path,
    element: (
      <Guard access={entry.access}>
        <Suspense fallback={<PageLoader />}>
          <Page />
        </Suspense>
      </Guard>
    ),
  };
}

export function routes(): RouteObject[] {
  return [
    {
      element: <Layout />,
      children: [...PAGES.map(route), { path: "*", element: <NotFoundPage /> }],
    },
  ];
}

export function buildRouter() {
  return createBrowserRouter(routes());
}
