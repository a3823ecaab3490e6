// Reading a benchmark's size and length from the environment (BENCH_SECONDS and friends), with a clear error.

/** The variable as a positive number, or the fallback when it is unset or empty. */
export function positiveNumber(name: string, fallback: number) {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, not "${raw}"`);
  return value;
}
