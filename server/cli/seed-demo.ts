// `npm run db:seed:demo`: loads the Riverbend demo district into the configured database (PostgreSQL or embedded).
import { ensureCatalog } from "#db/seed/catalog.server";
import { demoAccounts, DEMO_PASSWORD, seedDemo } from "#db/seed/demo.server";
import { withDatabase } from "./database";

await withDatabase("db:seed:demo", async (database) => {
  await database.migrate();
  await ensureCatalog(database.db);
  await seedDemo(database.db);
  console.log(`Loaded the demo district into ${database.kind} (${database.location}). Password for every account: ${DEMO_PASSWORD}`);
  for (const account of demoAccounts) console.log(`  ${account.email.padEnd(36)} ${account.label}`);
});
