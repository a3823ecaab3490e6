// `npx tsx tests/bench/collab-validation.ts`: what checking a change against the editor's schema (ADR 0031) costs
// per update on a large plan, next to what applying the same update costs anyway, and what a full check would cost.
//
//   BENCH_PARAGRAPHS   paragraphs of 1 000 characters in the plan (default 900: about a 1 MB plan)
//   BENCH_UPDATES      keystrokes measured (default 3 000)
import { performance } from "node:perf_hooks";
import * as Y from "yjs";
import { updateFromJSON } from "~/editor/document";
import { DOCUMENT_FIELD } from "~/editor/extensions";
import { bodySize, checkBody } from "~/editor/validity";
import { ChangeGate, ChangeRefused } from "../../server/collab/validation";
import { positiveNumber } from "./settings";

const paragraphs = positiveNumber("BENCH_PARAGRAPHS", 900);
const updates = positiveNumber("BENCH_UPDATES", 3_000);

const words = "Every student belongs, and every adult in the building knows each one by name and by need. ";
const body = [];
for (let i = 0; i < paragraphs; i++) {
  if (i % 50 === 0) body.push({ type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: `Section ${i / 50 + 1}` }] });
  if (i % 20 === 10) body.push({ type: "bulletList", content: [{ type: "listItem", content: [{ type: "paragraph", content: [{ type: "text", text: words }] }] }] });
  body.push({ type: "paragraph", content: [{ type: "text", text: words.repeat(11).slice(0, 1_000) }] });
}
const state = updateFromJSON({ type: "doc", content: body });

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
const summary = (label: string, times: number[]) => {
  const sorted = [...times].sort((a, b) => a - b);
  const fmt = (ms: number) => `${(ms * 1000).toFixed(0)} µs`;
  console.log(`${label.padEnd(46)} median ${fmt(percentile(sorted, 50)).padStart(9)}   p99 ${fmt(percentile(sorted, 99)).padStart(9)}   max ${fmt(sorted[sorted.length - 1]).padStart(9)}`);
  return { median: percentile(sorted, 50), p99: percentile(sorted, 99) };
};

// The client that types, the server's document (applying is paid anyway), and the gate with its shadow.
const client = new Y.Doc();
Y.applyUpdate(client, state);
const serverDoc = new Y.Doc();
Y.applyUpdate(serverDoc, state);
let t = performance.now();
const gate = new ChangeGate(() => [Y.encodeStateAsUpdate(serverDoc)]);
const gateBuild = performance.now() - t;
console.log(`plan: ${(state.byteLength / 1e6).toFixed(2)} MB of Yjs state, ${bodySize(client.getXmlFragment(DOCUMENT_FIELD)).toLocaleString("en")} characters by the document measure`);
console.log(`building the gate's shadow (first change, and after each refusal): ${gateBuild.toFixed(1)} ms`);

let last: Uint8Array | null = null;
client.on("update", (update: Uint8Array) => (last = update));
const fragment = client.getXmlFragment(DOCUMENT_FIELD);
const blocks = fragment.toArray().filter((node): node is Y.XmlElement => node instanceof Y.XmlElement && node.nodeName === "paragraph");

const apply: number[] = [];
const admit: number[] = [];
let seed = 7;
const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
for (let i = 0; i < updates; i++) {
  const text = blocks[Math.floor(random() * blocks.length)].get(0) as Y.XmlText;
  text.insert(Math.floor(random() * text.length), "k");
  const update = last!;
  t = performance.now();
  gate.admit(update);
  admit.push(performance.now() - t);
  t = performance.now();
  Y.applyUpdate(serverDoc, update);
  apply.push(performance.now() - t);
}
const typing = summary("keystroke: applying it to the document", apply);
const checking = summary("keystroke: the gate (apply to shadow + check)", admit);

const enterApply: number[] = [];
const enterAdmit: number[] = [];
for (let i = 0; i < 300; i++) {
  const paragraph = new Y.XmlElement("paragraph");
  paragraph.insert(0, [new Y.XmlText("A new line")]);
  fragment.insert(Math.floor(random() * fragment.length), [paragraph]);
  const update = last!;
  t = performance.now();
  gate.admit(update);
  enterAdmit.push(performance.now() - t);
  t = performance.now();
  Y.applyUpdate(serverDoc, update);
  enterApply.push(performance.now() - t);
}
summary("new paragraph: applying it to the document", enterApply);
const enter = summary("new paragraph: the gate", enterAdmit);

const full: number[] = [];
for (let i = 0; i < 20; i++) {
  t = performance.now();
  checkBody(serverDoc.getXmlFragment(DOCUMENT_FIELD));
  full.push(performance.now() - t);
}
const fullCheck = summary("a full check of the whole plan (for comparison)", full);

const refusals: number[] = [];
for (let i = 0; i < 10; i++) {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(serverDoc));
  const sv = Y.encodeStateVector(copy);
  copy.getXmlFragment(DOCUMENT_FIELD).insert(0, [new Y.XmlText("loose")]);
  const bad = Y.encodeStateAsUpdate(copy, sv);
  t = performance.now();
  try {
    gate.admit(bad);
  } catch (error) {
    if (!(error instanceof ChangeRefused)) throw error;
  }
  refusals.push(performance.now() - t);
}
const refusal = summary("a refused change (check + shadow rebuilt)", refusals);

console.log(
  JSON.stringify({
    planBytes: state.byteLength,
    keystrokeApplyMedianMs: +typing.median.toFixed(4),
    keystrokeGateMedianMs: +checking.median.toFixed(4),
    keystrokeGateP99Ms: +checking.p99.toFixed(4),
    newParagraphGateMedianMs: +enter.median.toFixed(4),
    fullCheckMedianMs: +fullCheck.median.toFixed(2),
    refusalMedianMs: +refusal.median.toFixed(2),
  }),
);
