// Vitest global set-up: make sure the production build exists and is current before any HTTP or browser test.
import { ensureBuild } from "../../server/build";

export default function setup() {
  const started = Date.now();
  if (ensureBuild()) console.log(`[tests] built the app in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
