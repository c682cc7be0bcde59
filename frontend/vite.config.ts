import { defineConfig } from "vite";

// The built app is served by Litestar from server/static (see server/app.py).
export default defineConfig({
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: "../server/static",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false, // no public source maps in what is served (issue 12)
  },
  server: {
    proxy: { "/api": "http://127.0.0.1:8765" },
  },
});
