// Vite builds the window's front end into ui/dist, which the Tauri shell embeds
// (tauri.conf.json: build.frontendDist). Svelte compiles to plain JavaScript (no eval,
// no runtime template compiler), and component styles are emitted as a CSS file, so the
// strict CSP (script-src and style-src 'self') holds. Nothing here loads from the network.
import { defineConfig } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";

export default defineConfig({
  plugins: [svelte()],
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // WebKitGTK on Debian 12 and the oldest supported macOS WebKit.
    target: "safari15",
    sourcemap: false,
    // One small app: a single script and a single stylesheet, no inline assets.
    assetsInlineLimit: 0,
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
