// Vite builds the Remix app; the custom Express server in server/ serves it.
import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vite";
import { fileURLToPath } from "node:url";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

export default defineConfig({
  resolve: {
    alias: {
      "~": fileURLToPath(new URL("./app", import.meta.url)),
      "#db": fileURLToPath(new URL("./db", import.meta.url)),
    },
  },
  // Pre-bundle the browser's dependencies up front so the first page load in development does not
  // hit "Outdated Optimize Dep" and reload. Listing yjs and everything that imports it also keeps one
  // copy of yjs in the browser ("Yjs was already imported" breaks collaboration).
  optimizeDeps: {
    include: ["react", "react-dom", "react-dom/client", "react/jsx-runtime", "react/jsx-dev-runtime", "@remix-run/react", "zod",
      "yjs", "y-websocket", "y-protocols/sync", "lib0/encoding", "lib0/decoding", "lib0/observable",
      "@tiptap/core", "@tiptap/react", "@tiptap/starter-kit", "@tiptap/extension-list", "@tiptap/extension-table",
      "@tiptap/extension-collaboration", "@tiptap/extension-collaboration-caret", "@tiptap/y-tiptap",
      "@tiptap/static-renderer/pm/html-string", "@tiptap/markdown",
      // Reached only by loaders, but the dependency scanner sees them; listing them avoids a reload.
      "@remix-run/node", "drizzle-orm", "drizzle-orm/pg-core", "cookie"],
    // Server-only packages reached through loaders; the browser never loads them.
    exclude: ["@node-rs/argon2", "@electric-sql/pglite", "postgres"],
  },
  server: { hmr: { port: Number(process.env.HMR_PORT ?? 24678) } },
  build: {
    rollupOptions: {
      onwarn(warning, warn) {
        // zod ships comments Rollup cannot place, and resource routes make empty client chunks: both harmless.
        if (warning.code === "INVALID_ANNOTATION" || warning.code === "EMPTY_BUNDLE") return;
        warn(warning);
      },
    },
  },
  ssr: {
    // Native and wasm packages stay outside the server bundle.
    external: ["@electric-sql/pglite", "@node-rs/argon2", "postgres"],
  },
  plugins: [
    remix({
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_singleFetch: true,
        v3_lazyRouteDiscovery: true,
      },
    }),
  ],
});
