// Lint rules: typescript-eslint's recommended set (without type information, so a run takes seconds), the rules of
// hooks, jsx-a11y's recommended set, and import boundaries that keep the layering of docs/architecture.md.
import js from "@eslint/js";
import jsxA11y from "eslint-plugin-jsx-a11y";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

/** Routes call module functions; they never build queries themselves. */
const noDatabaseInRoutes = {
  group: ["#db/schema", "#db/schema/*", "drizzle-orm", "drizzle-orm/*"],
  message: "Routes stay thin: query through a module's *.server.ts function instead.",
};
/** Code that runs in the browser must never import a server module. */
const noServerInBrowser = {
  group: ["**/*.server", "**/*.server.ts", "#db/*", "node:*"],
  message: "Components and editor code reach the browser; keep server modules out of them.",
};
/** The schema and the database client know nothing of the app's modules (seeds may use them to build the demo). */
const noModulesInDb = {
  group: ["~/modules/*", "~/routes/*", "../app/*", "../../app/*"],
  message: "db/ holds the schema and the client only; seeds in db/seed may use modules.",
};

export default tseslint.config(
  { ignores: ["build/", "node_modules/", ".data/", "tests/.artifacts/", "public/", "db/migrations/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      // Control characters in patterns are deliberate here: input is checked for them (NUL, bidi, tabs in redirects).
      "no-control-regex": "off",
      // A variable read by a closure before its one assignment (the server's request handler while the database opens).
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
    },
  },
  {
    files: ["app/**/*.tsx"],
    plugins: { "react-hooks": reactHooks, "jsx-a11y": jsxA11y },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "warn",
      ...jsxA11y.flatConfigs.recommended.rules,
      // After a failed submit without JavaScript, the first field in error takes focus (ADR 0023): the one use of autoFocus.
      "jsx-a11y/no-autofocus": "off",
      // A table that scrolls inside its own box is a focusable, labelled region, so keyboard users can scroll it (axe's
      // scrollable-region-focusable asks for exactly that).
      "jsx-a11y/no-noninteractive-tabindex": ["error", { roles: ["tabpanel", "region"] }],
    },
  },
  { files: ["app/routes/**"], rules: { "@typescript-eslint/no-restricted-imports": ["error", { patterns: [noDatabaseInRoutes] }] } },
  {
    files: ["app/components/**", "app/modules/*/components/**", "app/editor/**"],
    ignores: ["**/*.server.ts", "**/*.test.ts", "**/*.test.tsx"],
    // Types are erased from the bundle, so a component may name a server module's types.
    rules: { "@typescript-eslint/no-restricted-imports": ["error", { patterns: [{ ...noServerInBrowser, allowTypeImports: true }] }] },
  },
  { files: ["db/**"], ignores: ["db/seed/**"], rules: { "@typescript-eslint/no-restricted-imports": ["error", { patterns: [noModulesInDb] }] } },
);
