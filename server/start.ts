// `npm start`: builds when there is no current build, then serves Cyclekeeper in production mode.
import { ensureBuild } from "./build";

try {
  if (!process.argv.includes("--no-build")) {
    const t = Date.now();
    process.stdout.write("Checking the build… ");
    console.log(ensureBuild() ? `built in ${((Date.now() - t) / 1000).toFixed(1)} s` : "up to date");
  }
} catch (error) {
  console.error(`Cyclekeeper cannot start: ${(error as Error).message}`);
  process.exit(1);
}
process.env.NODE_ENV = "production";
await import("./index");
