// Turns audit events into sentences a district lead can read.
interface EventLike {
  action: string;
  actorName: string | null;
  details: Record<string, unknown> | null;
}

export function describeAuditEvent(event: EventLike): string {
  const who = event.actorName ?? "Cyclekeeper";
  const d = event.details ?? {};
  const to = (d.to ?? {}) as Record<string, unknown>;
  switch (event.action) {
    case "district.seed_demo":
      return "The demo district was loaded";
    case "district.create":
      return `${who} created the district`;
    case "district.update":
      return `${who} updated district settings`;
    case "school.create":
      return `${who} added ${String(d.name ?? "a school")}`;
    case "school.update":
      return `${who} updated ${String(to.name ?? "a school")}`;
    case "school.archive":
      return `${who} archived ${String(d.name ?? "a school")}`;
    case "school.restore":
      return `${who} restored ${String(d.name ?? "a school")}`;
    case "user.sign_in":
      return `${who} signed in`;
    case "user.invite":
      return `${who} invited ${String(d.email ?? "someone")}`;
    case "user.invite_renew":
      return `${who} made a new invitation link`;
    case "user.accept_invite":
      return `${who} accepted their invitation`;
    case "user.update":
      return `${who} changed ${String(to.name ?? "someone")}'s access`;
    case "user.deactivate":
      return `${who} deactivated ${String(d.email ?? "an account")}`;
    case "user.reactivate":
      return `${who} reactivated ${String(d.email ?? "an account")}`;
    case "user.change_password":
      return `${who} changed their password`;
    case "cycle.create":
      return `${who} opened the ${yearOf(d.startYear)}cycle`;
    case "cycle.update":
      return `${who} changed a cycle's ${"phase" in ((d.changes ?? {}) as object) ? "phase" : "checkpoint dates"}`;
    case "cycle.start":
      return `${who} started the ${yearOf(d.startYear)}cycle`;
    case "benchmark.create":
      return `${who} added a ${d.kind === "target" ? "target" : "benchmark"} for ${String(d.measure ?? "a measure")}`;
    case "benchmark.update":
      return `${who} changed a benchmark for ${String(d.measure ?? "a measure")}`;
    case "cycle.decide":
      return `${who} recorded ${typeof d.meetingId === "string" ? "decisions in a reflection meeting" : "year-end decisions"} for ${Array.isArray(d.decisions) && d.decisions.length === 1 ? "a goal" : "goals"}`;
    case "plan.create":
      return `${who} started the ${yearOf(d.startYear)}action plan${typeof d.schoolName === "string" ? ` for ${d.schoolName}` : ""}`;
    case "plan.version.create":
      return typeof d.name === "string" ? `${who} saved the action plan as “${d.name}”` : `${who} saved a version of the action plan`;
    case "plan.restore":
      return typeof d.version === "string" ? `${who} restored the action plan to “${d.version}”` : `${who} restored an earlier version of the action plan`;
    case "plan.export":
      return `${who} downloaded the ${yearOf(d.startYear)}action plan${typeof d.schoolName === "string" ? ` for ${d.schoolName}` : ""}${typeof d.format === "string" && Object.hasOwn(exportFormatNames, d.format) ? ` as ${exportFormatNames[d.format]}` : ""}`;
    case "cycle.close":
      return `${who} closed the ${yearOf(d.startYear)}cycle`;
    case "cycle.launch":
      return `${who} opened the ${yearOf(d.startYear)}cycle, carrying forward ${typeof d.goalsCarried === "number" ? (d.goalsCarried === 1 ? "1 goal" : `${d.goalsCarried} goals`) : "goals"}`;
    case "rubric.score":
      return `${who} scored a rubric item`;
    case "reflection.protocol.update":
      return typeof d.name === "string" ? `${who} edited the reflection protocol “${d.name}”` : `${who} edited a reflection protocol`;
    case "reflection.protocol.archive":
      return typeof d.name === "string" ? `${who} archived the reflection protocol “${d.name}”` : `${who} archived a reflection protocol`;
    case "reflection.protocol.restore":
      return typeof d.name === "string" ? `${who} restored the reflection protocol “${d.name}”` : `${who} restored a reflection protocol`;
    case "reflection.meeting.create":
      return typeof d.title === "string" ? `${who} planned the reflection meeting “${d.title}”` : `${who} planned a reflection meeting`;
    case "reflection.meeting.update":
      return typeof d.title === "string" ? `${who} changed the details of the reflection meeting “${d.title}”` : `${who} changed a reflection meeting's details`;
    case "reflection.answer":
      return typeof d.title === "string" ? `${who} answered a question in “${d.title}”` : `${who} answered a reflection question`;
    case "reflection.finding.add":
      return `${who} recorded a ${d.kind === "success" ? "success" : d.kind === "challenge" ? "challenge" : "finding"}${typeof d.title === "string" ? ` in “${d.title}”` : ""}`;
    case "reflection.finding.update":
      return `${who} edited a finding${typeof d.title === "string" ? ` in “${d.title}”` : ""}`;
    case "reflection.finding.remove":
      return `${who} removed a finding${typeof d.title === "string" ? ` from “${d.title}”` : ""}`;
    case "reflection.notes.create":
      return typeof d.title === "string" ? `${who} started the shared notes of “${d.title}”` : `${who} started a meeting's shared notes`;
    case "rubric.draft_start":
      return `${who} started adapting the rubric${typeof d.number === "number" ? ` (version ${d.number})` : ""}`;
    case "rubric.item_update":
      return typeof d.title === "string" ? `${who} reworded “${d.title}” in the draft rubric` : `${who} reworded an item in the draft rubric`;
    case "rubric.item_add":
      return typeof d.title === "string" ? `${who} added “${d.title}” to the draft rubric` : `${who} added an item to the draft rubric`;
    case "rubric.item_remove":
      return typeof d.title === "string" ? `${who} removed “${d.title}” from the draft rubric` : `${who} removed an item from the draft rubric`;
    case "rubric.draft_discard":
      return `${who} discarded the draft rubric${typeof d.number === "number" ? ` (version ${d.number})` : ""}`;
    case "rubric.publish": {
      const version = typeof d.number === "number" ? `rubric version ${d.number}` : "a new rubric version";
      const count = typeof d.cycles === "number" ? d.cycles : 0;
      return count > 0 ? `${who} published ${version} and used it in ${count} open cycle${count === 1 ? "" : "s"}` : `${who} published ${version} for cycles opened from now on`;
    }
    case "goal.create": {
      const title = ((d.after ?? {}) as Record<string, unknown>).title;
      return typeof title === "string" ? `${who} added the goal “${title}”` : `${who} added a goal`;
    }
    case "goal.update":
      return `${who} changed a goal`;
    case "goal.seen":
      return `${who} read the district's changes to a goal`;
    case "goal.adopt":
      return `${who} set a school's local target for a goal`;
    case "strategy.create":
      return `${who} added a strategy`;
    case "strategy.update":
      return `${who} updated a strategy`;
    case "strategy.remove": {
      const title = ((d.before ?? {}) as Record<string, unknown>).title;
      return typeof title === "string" ? `${who} removed the strategy “${title}”` : `${who} removed a strategy`;
    }
    case "data.import": {
      const rows = typeof d.rows === "number" ? ` (${d.rows === 1 ? "1 row" : `${d.rows.toLocaleString("en-US")} rows`})` : "";
      return typeof d.fileName === "string" ? `${who} imported outcome data from “${d.fileName}”${rows}` : `${who} imported outcome data${rows}`;
    }
    case "data.import_undo":
      return typeof d.fileName === "string" ? `${who} undid the import of “${d.fileName}”` : `${who} undid an import of outcome data`;
    case "measure.create":
      return typeof d.name === "string" ? `${who} added the measure “${d.name}”` : `${who} added a measure`;
    case "student_group.create":
      return typeof d.name === "string" ? `${who} added the student group “${d.name}”` : `${who} added a student group`;
    case "measure.update":
      return typeof d.name === "string" ? `${who} changed the measure “${d.name}”` : `${who} changed a measure`;
    case "student_group.update": {
      const from = ((d.from ?? {}) as Record<string, unknown>).name;
      return typeof from === "string" && typeof to.name === "string" && from !== to.name
        ? `${who} renamed the student group “${from}” to “${to.name}”`
        : `${who} changed a student group`;
    }
    // Student support: no student's name ever goes into the audit log, only counts and kinds.
    case "student.import":
      return `${who} imported a student ${d.kind === "roster" ? "roster" : "indicator"} file${typeof d.rows === "number" ? ` (${d.rows} rows)` : ""}`;
    case "student.note":
      return `${who} added a note to a student record`;
    case "student.plan_start":
      return `${who} started ${typeof d.intervention === "string" ? `a “${d.intervention}” plan` : "an intervention plan"} for a student`;
    case "student.check_in":
      return `${who} recorded a weekly check-in on an intervention plan`;
    case "student.plan_end":
      return `${who} ended an intervention plan`;
    case "student.relationship_mark":
      return `${who} named a strong relationship with a student`;
    case "student.relationship_unmark":
      return `${who} withdrew a strong relationship with a student`;
    case "student.export":
      return `${who} exported a student's record`;
    case "student.delete":
      return `${who} deleted a student's record on request`;
    case "student.retention":
      return `Retention deleted ${typeof d.deleted === "number" ? `${d.deleted} student record${d.deleted === 1 ? "" : "s"}` : "student records"}`;
    case "student.settings":
      return `${who} changed student support thresholds or retention`;
    case "student.catalog_add":
      return `${who} added ${typeof d.name === "string" ? `“${d.name}”` : "an intervention"} to the intervention catalog`;
    case "student.catalog_edit": {
      const from = (d.from ?? {}) as Record<string, unknown>;
      if (typeof from.name === "string" && typeof to.name === "string" && from.name !== to.name) return `${who} renamed the intervention “${from.name}” to “${to.name}”`;
      return `${who} changed ${typeof to.name === "string" ? `the intervention “${to.name}”` : "an intervention"} in the catalog`;
    }
    case "student.catalog_retire":
      return `${who} retired ${typeof d.name === "string" ? `“${d.name}”` : "an intervention"} from the intervention catalog`;
    case "student.catalog_restore":
      return `${who} brought ${typeof d.name === "string" ? `“${d.name}”` : "an intervention"} back into the intervention catalog`;
    case "student.rollup":
      return `Student support rates were rolled up into the outcome measures${typeof d.rows === "number" ? ` (${d.rows} rows)` : ""}`;
    default:
      return `${who}: ${event.action}`;
  }
}

const exportFormatNames: Record<string, string> = { html: "a web page", md: "Markdown", txt: "plain text" };

/** "2026–27 " for a start year, nothing when the event does not say. */
function yearOf(startYear: unknown): string {
  return typeof startYear === "number" ? `${startYear}–${String((startYear + 1) % 100).padStart(2, "0")} ` : "";
}
