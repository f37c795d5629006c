/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The dev server forwards /api and /config.json to a running edge (EDGE_URL), so `npm run dev`
// behaves like the one origin of ./dev.sh up (docs/decisions/0019).
const edge = process.env.EDGE_URL ?? "http://127.0.0.1:8080";

export default defineConfig({
  plugins: [react()],
  server: { proxy: { "/api": edge, "/config.json": edge } },
  build: { sourcemap: false, chunkSizeWarningLimit: 700 },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["./src/test/setup.ts"],
    css: false,
  },
});
