// Benchmarks and district targets per measure and grade band: read by everyone with data access, kept by data managers.
import { and, asc, eq, isNull, or } from "drizzle-orm";
import type { Database } from "#db/client.server";
import { benchmarks, measures, users } from "#db/schema";
import { recordAudit } from "~/modules/audit/audit.server";
import { can, requirePermission, type Actor } from "~/modules/people/permissions";
import { Conflict, NotFound, StaleEdit, ValidationFailed } from "~/utils/errors";
import type { BenchmarkEdit, BenchmarkInput } from "./data.schema";

export async function listBenchmarks(db: Database, actor: Actor) {
  requirePermission(actor, "data:read", { districtId: actor.districtId });
  const [measureRows, rows] = await Promise.all([
    db
      .select({ id: measures.id, name: measures.name, unit: measures.unit, category: measures.category, scaleMin: measures.scaleMin, scaleMax: measures.scaleMax })
      .from(measures)
      .where(or(isNull(measures.districtId), eq(measures.districtId, actor.districtId)))
      .orderBy(asc(measures.category), asc(measures.name)),
    db
      .select({
        id: benchmarks.id,
        measureId: benchmarks.measureId,
        kind: benchmarks.kind,
        gradeBand: benchmarks.gradeBand,
        value: benchmarks.value,
        source: benchmarks.source,
        version: benchmarks.version,
        updatedAt: benchmarks.updatedAt,
        updatedBy: users.name,
      })
      .from(benchmarks)
      .leftJoin(users, eq(users.id, benchmarks.updatedBy))
      .where(eq(benchmarks.districtId, actor.districtId)),
  ]);
  const bandOrder = ["all", "K-2", "3-5", "6-8", "9-12"];
  return {
    canManage: can(actor, "data:manage", { districtId: actor.districtId }),
    measures: measureRows.map((m) => ({
      ...m,
      rows: rows
        .filter((r) => r.measureId === m.id)
        .sort((a, b) => bandOrder.indexOf(a.gradeBand) - bandOrder.indexOf(b.gradeBand) || a.kind.localeCompare(b.kind)),
    })),
  };
}

async function measureInDistrict(db: Pick<Database, "select">, actor: Actor, measureId: string) {
  const [measure] = await db
    .select()
    .from(measures)
    .where(and(eq(measures.id, measureId), or(isNull(measures.districtId), eq(measures.districtId, actor.districtId))));
  if (!measure) throw new NotFound("measure");
  return measure;
}

function checkScale(measure: { scaleMin: number; scaleMax: number }, value: number) {
  if (value < measure.scaleMin || value > measure.scaleMax) {
    throw new ValidationFailed({ value: [`Use a value from ${measure.scaleMin} to ${measure.scaleMax}, the measure's scale.`] });
  }
}

export async function addBenchmark(db: Database, actor: Actor, input: BenchmarkInput, ip?: string) {
  requirePermission(actor, "data:manage", { districtId: actor.districtId });
  return db.transaction(async (tx) => {
    const measure = await measureInDistrict(tx, actor, input.measureId);
    checkScale(measure, input.value);
    const [existing] = await tx
      .select({ id: benchmarks.id })
      .from(benchmarks)
      .where(and(eq(benchmarks.districtId, actor.districtId), eq(benchmarks.measureId, measure.id), eq(benchmarks.kind, input.kind), eq(benchmarks.gradeBand, input.gradeBand)));
    if (existing) throw new Conflict(`This measure already has a ${input.kind} for ${input.gradeBand === "all" ? "all grades" : `grades ${input.gradeBand}`}; change that one instead.`, "gradeBand");
    const [row] = await tx
      .insert(benchmarks)
      .values({ districtId: actor.districtId, measureId: measure.id, kind: input.kind, gradeBand: input.gradeBand, value: input.value, source: input.source, updatedBy: actor.id })
      .returning();
    await recordAudit(tx, {
      districtId: actor.districtId,
      actorId: actor.id,
      action: "benchmark.create",
      entityType: "benchmark",
      entityId: row.id,
      details: { measure: measure.name, kind: input.kind, gradeBand: input.gradeBand, value: input.value, source: input.source },
      ip,
    });
    return row;
  });
}

export async function updateBenchmark(db: Database, actor: Actor, input: BenchmarkEdit, ip?: string) {
  requirePermission(actor, "data:manage", { districtId: actor.districtId });
  return db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(benchmarks)
      .where(and(eq(benchmarks.id, input.benchmarkId), eq(benchmarks.districtId, actor.districtId)));
    if (!before) throw new NotFound("benchmark");
    const measure = await measureInDistrict(tx, actor, before.measureId);
    if (before.version !== input.expectedVersion) {
      throw new StaleEdit({ value: before.value, source: before.source, version: before.version, benchmarkId: before.id });
    }
    checkScale(measure, input.value);
    const [row] = await tx
      .update(benchmarks)
      .set({ value: input.value, source: input.source, version: before.version + 1, updatedBy: actor.id, updatedAt: new Date() })
      .where(and(eq(benchmarks.id, before.id), eq(benchmarks.version, before.version)))
      .returning();
    if (!row) throw new StaleEdit({ value: before.value, source: before.source, version: before.version, benchmarkId: before.id });
    await recordAudit(tx, {
      districtId: actor.districtId,
      actorId: actor.id,
      action: "benchmark.update",
      entityType: "benchmark",
      entityId: row.id,
      details: { measure: measure.name, kind: row.kind, gradeBand: row.gradeBand, from: { value: before.value, source: before.source }, to: { value: row.value, source: row.source } },
      ip,
    });
    return row;
  });
}
