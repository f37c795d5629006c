import { MantineProvider, createTheme } from "@mantine/core";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState } from "react";
import { RouterProvider } from "react-router";
import { SessionProvider } from "../auth/session";
import { buildRouter } from "./router";

const theme = createTheme({ primaryColor: "blue", defaultRadius: "md" });

export function makeQueryClient() {
  return new QueryClient({
    defaultOptions: { queries: { refetchOnWindowFocus: false, staleTime: 10_000 } },
  });
}

export function App() {
  const [client] = useState(makeQueryClient);
  const [router] = useState(buildRouter);
  return (
    <MantineProvider theme={theme}>
      <QueryClientProvider client={client}>
        <SessionProvider>
          <RouterProvider router={router} />
        </SessionProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
}
