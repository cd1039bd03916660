// Vite builds the window's front end into ui/dist, which the Tauri shell embeds
// (tauri.conf.json: build.frontendDist). Nothing here loads from the network.
import { defineConfig } from "vite";

export default defineConfig({
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // WebKitGTK on Debian 12 and the oldest supported macOS WebKit.
    target: "safari15",
    sourcemap: false,
  },
});
