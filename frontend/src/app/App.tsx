import { Anchor, type CSSVariablesResolver, MantineProvider, createTheme } from "@mantine/core";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState } from "react";
import { RouterProvider } from "react-router";
import { SessionProvider } from "../auth/session";
import { buildRouter } from "./router";

// Shade 8, dark text on light fills (autoContrast) and a darker "dimmed" keep text at WCAG AA contrast (4.5:1) on white; links are
// underlined so they are not told apart by colour alone (axe: color-contrast,
// link-in-text-block).
const theme = createTheme({
  primaryColor: "blue",
  primaryShade: 8,
  autoContrast: true,
  luminanceThreshold: 0.2,
  defaultRadius: "md",
  components: { Anchor: Anchor.extend({ defaultProps: { underline: "always" } }) },
});

/** `hex` (#rrggbb) moved toward black by `amount` (0..1). */
function darken(hex: string, amount: number): string {
  const channel = (i: number) => Math.round(parseInt(hex.slice(i, i + 2), 16) * (1 - amount));
  return `#${[1, 3, 5].map((i) => channel(i).toString(16).padStart(2, "0")).join("")}`;
}

// Light badges and buttons draw their text in the colour's shade 6 on a pale tint of it:
// below 4.5:1 for most colours, so their text takes shade 9 darkened by a third.
const contrast: CSSVariablesResolver = (t) => ({
  variables: {},
  light: {
    "--mantine-color-dimmed": t.colors.gray[7],
    ...Object.fromEntries(
      Object.entries(t.colors).map(([name, shades]) => [
        `--mantine-color-${name}-light-color`, darken(shades[9], 0.33),
      ]),
    ),
  },
  dark: {},
});

export function makeQueryClient() {
  return new QueryClient({
    defaultOptions: { queries: { refetchOnWindowFocus: false, staleTime: 10_000 } },
  });
}

export function App() {
  const [client] = useState(makeQueryClient);
  const [router] = useState(buildRouter);
  return (
    <MantineProvider theme={theme} cssVariablesResolver={contrast}>
      <QueryClientProvider client={client}>
        <SessionProvider>
          <RouterProvider router={router} />
        </SessionProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
}
