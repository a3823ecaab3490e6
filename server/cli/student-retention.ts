// `npm run students:retention`: deletes student-level records past each district's retention setting (run it nightly,
// e.g. from cron). `--dry-run` reports what would go without deleting; `--now=YYYY-MM-DD` applies it as of that date.
import { applyRetention } from "~/modules/students/students.server";
import { withDatabase } from "./database";

const dryRun = process.argv.includes("--dry-run");
const nowArg = process.argv.find((a) => a.startsWith("--now="))?.slice(6);
const now = nowArg ? new Date(`${nowArg}T00:00:00Z`) : new Date();
if (Number.isNaN(now.getTime())) {
  console.error(`students:retention: --now must be a date (YYYY-MM-DD), not "${nowArg}"`);
  process.exit(1);
}

await withDatabase("students:retention", async (database) => {
  await database.migrate();
  if (dryRun) {
    const due = await database.query<{ district: string; n: number }>(
      `select d.name as district, count(*)::int as n from student s join district d on d.id = s.district_id
       left join district_student_settings x on x.district_id = s.district_id
       where make_date(s.last_start_year + 1, 6, 30) + make_interval(months => coalesce(x.retention_months, 12)::int) < $1::timestamptz
       group by d.name order by d.name`,
      [now.toISOString()],
    );
    if (!due.length) console.log(`Nothing is past retention as of ${now.toISOString().slice(0, 10)}.`);
    for (const row of due) console.log(`Would delete ${row.n} student record${row.n === 1 ? "" : "s"} in ${row.district}.`);
    return;
  }
  const summary = await applyRetention(database.db, now);
  if (!summary.length) console.log(`Nothing is past retention as of ${now.toISOString().slice(0, 10)}.`);
  for (const entry of summary) {
    const [district] = await database.query<{ name: string }>("select name from district where id = $1", [entry.districtId]);
    console.log(`Deleted ${entry.deleted} student record${entry.deleted === 1 ? "" : "s"} in ${district?.name ?? entry.districtId}.`);
  }
});
