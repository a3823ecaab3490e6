// The load generator for tests/bench/dashboard.ts, run in a worker thread so that autocannon's own work never
// competes with the server (which runs on the main thread, PGlite included) for the same event loop.
// Plain JavaScript: tsx's loader does not reach worker threads.
import autocannon from "autocannon";
import { parentPort, workerData } from "node:worker_threads";

const { url, headers, connections, duration } = workerData;

// autocannon's summary has fixed percentiles (p50, p97.5, p99…) and whole-millisecond buckets; keep every
// response time so the parent can compute p95 exactly.
const times = [];
const statusCounts = {};

const options = { url, headers, connections, duration, pipelining: 1 };
const instance = autocannon(options, (error, raw) => {
  if (error) {
    parentPort.postMessage({ error: String(error?.stack ?? error) });
    return;
  }
  // Off the main thread autocannon hands back its unaggregated result; aggregate it as it would on the main thread.
  const result = autocannon.aggregateResult([raw], options);
  parentPort.postMessage({
    duration: result.duration,
    completed: result.requests.total,
    sent: result.requests.sent,
    requestsPerSecondAverage: result.requests.average,
    bytes: result.throughput.total,
    errors: result.errors,
    timeouts: result.timeouts,
    resets: result.resets,
    non2xx: result.non2xx,
    statusCounts,
    autocannonLatency: { mean: result.latency.mean, p50: result.latency.p50, p97_5: result.latency.p97_5, p99: result.latency.p99, max: result.latency.max },
    times: Float64Array.from(times),
  });
});

instance.on("response", (_client, statusCode, _bytes, responseTime) => {
  times.push(responseTime);
  statusCounts[statusCode] = (statusCounts[statusCode] ?? 0) + 1;
});
