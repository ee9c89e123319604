/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import { VitePWA } from "vite-plugin-pwa";

// The API runs on the same origin in production; in development Vite proxies
// /api (and the WebSocket) to a local `taskflow serve`.
const apiTarget = process.env.TASKFLOW_API_URL ?? "http://127.0.0.1:8000";

/**
 * Server paths the service worker must never answer with the app shell (webapp.py's
 * RESERVED_PREFIXES and the API docs): a navigation to them goes to the network.
 */
export const SERVER_PATHS = [/^\/api(\/|$)/, /^\/docs/, /^\/redoc/, /^\/openapi\.json/, /^\/health/, /^\/metrics/];

export default defineConfig({
  plugins: [
    react(),
    // The installable PWA (SPEC §13, docs/architecture.md "Offline"): the manifest, and a
    // service worker that precaches the app shell only. It has no runtime caching: API
    // responses, auth, attachments and downloads always go to the network; the last data
    // shown offline is the query cache the app keeps itself (src/lib/offlineCache.ts).
    VitePWA({
      registerType: "prompt", // a new version waits until the user reloads (src/lib/pwa.ts)
      injectRegister: false, // registered from src/lib/pwa.ts, after the first render
      includeAssets: ["favicon.png", "apple-touch-icon.png"],
      manifest: {
        name: "TaskFlow",
        short_name: "TaskFlow",
        description: "A self-hostable, multi-user task manager.",
        id: "/",
        start_url: "/",
        scope: "/",
        display: "standalone",
        theme_color: "#2f5fd0", // tokens.css --accent (light)
        background_color: "#ffffff", // tokens.css --bg (light)
        icons: [
          { src: "/pwa-192x192.png", sizes: "192x192", type: "image/png" },
          { src: "/pwa-512x512.png", sizes: "512x512", type: "image/png" },
          { src: "/maskable-512x512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
        ],
      },
      workbox: {
        globPatterns: ["**/*.{js,css,html,png,svg,woff2}"],
        navigateFallback: "index.html",
        navigateFallbackDenylist: SERVER_PATHS,
        cleanupOutdatedCaches: true,
        runtimeCaching: [],
      },
    }),
  ],
  // Tags the offline copy of the data (src/lib/offlineCache.ts): another build's is not restored.
  define: { __TASKFLOW_BUILD__: JSON.stringify(new Date().toISOString()) },
  base: "/",
  build: {
    outDir: "../src/taskflow/web",
    emptyOutDir: true,
    assetsDir: "assets",
  },
  server: {
    proxy: {
      "/api": { target: apiTarget, changeOrigin: false, ws: true },
    },
  },
  test: {
    include: ["src/**/*.test.ts", "src/**/*.test.tsx"],
    environment: "node",
  },
});
