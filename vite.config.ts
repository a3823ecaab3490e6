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
