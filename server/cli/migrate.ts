// `npm run db:migrate`: applies the committed migrations to the configured database.
import { withDatabase } from "./database";

await withDatabase("db:migrate", async (database) => {
  await database.migrate();
  console.log(`Migrations applied to ${database.kind} (${database.location}).`);
});
