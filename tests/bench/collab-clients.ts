// Editing clients for bench:collab that speak either our y-websocket protocol or Hocuspocus's, type into a shared
// Y.XmlFragment as an editor does, and record when each edit is seen by each other client of its document.
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import { performance } from "node:perf_hooks";
import { WebSocket } from "ws";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";

export type ServerKind = "ours" | "hocuspocus";

/** What a client needs to open its socket: ours checks the session cookie and Origin; Hocuspocus takes any token. */
export interface ClientTicket {
  cookie?: string;
  origin?: string;
}

// Message types. Ours: y-websocket's. Hocuspocus prefixes every frame with the document name and adds its own types.
const SYNC = 0;
const AWARENESS = 1;
const HOCUSPOCUS_AUTH = 2;
const HOCUSPOCUS_SYNC_REPLY = 4;
const HOCUSPOCUS_AUTH_TOKEN = 0;
const HOCUSPOCUS_AUTHENTICATED = 2;
const HOCUSPOCUS_PERMISSION_DENIED = 1;

/** Marks changes that came from the server, so the client does not send them back. */
const REMOTE = Symbol("remote");

const words = "the team reviewed attendance data and agreed to pilot restorative circles in every grade before winter break".split(" ");

/** One edit as its sender recorded it: the sender's clock after the edit, and when its frame left. */
interface SentEdit {
  clock: number;
  sentAt: number;
  /** How many other clients of the document have seen it so far. */
  seenBy: number;
}

/**
 * The bookkeeping shared by the clients of one document (they run in one process, so one clock): every sent edit,
 * and for each receiver how far into each sender's edits it has seen. An edit is *acknowledged* when every other
 * client of its document has it; that is the same test for both servers, whatever each sends on the wire.
 */
export class DocumentLedger {
  readonly clients: BenchClient[] = [];
  /** Per receiver-sender pair, the index of the sender's first edit the receiver has not seen yet. */
  private readonly cursor = new Map<BenchClient, Map<BenchClient, number>>();
  readonly sent = new Map<BenchClient, SentEdit[]>();

  constructor(
    readonly name: string,
    private readonly stats: RunStats,
  ) {}

  add(client: BenchClient) {
    this.clients.push(client);
    this.sent.set(client, []);
    this.cursor.set(client, new Map());
  }

  recordSend(sender: BenchClient, clock: number, sentAt: number) {
    this.sent.get(sender)!.push({ clock, sentAt, seenBy: 0 });
    this.stats.noteSent(sentAt);
  }

  /** Called after `receiver` applied something from the server: which edits of others does it now have? */
  noteReceived(receiver: BenchClient, at: number) {
    const cursors = this.cursor.get(receiver)!;
    for (const sender of this.clients) {
      if (sender === receiver) continue;
      const edits = this.sent.get(sender)!;
      let index = cursors.get(sender) ?? 0;
      if (index >= edits.length) continue;
      const have = Y.getState(receiver.doc.store, sender.doc.clientID);
      while (index < edits.length && edits[index].clock <= have) {
        const edit = edits[index++];
        this.stats.noteSeen(edit.sentAt, at);
        if (++edit.seenBy === this.clients.length - 1) this.stats.noteAcknowledged(edit.sentAt, at);
      }
      cursors.set(sender, index);
    }
  }

  unacknowledged() {
    let n = 0;
    for (const edits of this.sent.values()) for (const edit of edits) if (edit.seenBy < this.clients.length - 1) n++;
    return n;
  }

  /** Whether every client holds the same document: same state vector and same content. */
  converged() {
    const [first, ...rest] = this.clients;
    const sv = Buffer.from(Y.encodeStateVector(first.doc)).toString("base64");
    const content = first.content();
    return rest.every((c) => Buffer.from(Y.encodeStateVector(c.doc)).toString("base64") === sv && c.content() === content);
  }
}

/** Latencies and counts of one run; only events inside the measured window count. */
export class RunStats {
  window: { from: number; to: number } | null = null;
  sentInWindow = 0;
  acknowledgedInWindow = 0;
  /** send → seen by one other client, one sample per (edit, receiver), for edits sent in the window. */
  readonly fanOut: number[] = [];
  /** send → seen by the last other client, one sample per edit sent in the window. */
  readonly ackLatency: number[] = [];

  private inWindow(t: number) {
    return this.window !== null && t >= this.window.from && t < this.window.to;
  }

  noteSent(at: number) {
    if (this.inWindow(at)) this.sentInWindow++;
  }

  /** Per second of the window, the slowest fan-out: shows whether a p99 comes from steady queueing or from a few stalls. */
  readonly worstPerSecond: number[] = [];

  noteSeen(sentAt: number, at: number) {
    if (!this.inWindow(sentAt)) return;
    const latency = at - sentAt;
    this.fanOut.push(latency);
    const second = Math.floor((sentAt - this.window!.from) / 1000);
    this.worstPerSecond[second] = Math.max(this.worstPerSecond[second] ?? 0, latency);
  }

  noteAcknowledged(sentAt: number, at: number) {
    // Throughput counts acknowledgements that happen in the window (what the server delivered per second);
    // latency samples belong to edits sent in it.
    if (this.inWindow(at)) this.acknowledgedInWindow++;
    if (this.inWindow(sentAt)) this.ackLatency.push(at - sentAt);
  }
}

/**
 * One editor: a Y.Doc whose "default" XmlFragment is what Tiptap's Collaboration extension edits. It types into a
 * paragraph of its own (one character per keystroke, one update per keystroke, as y-prosemirror sends them) and
 * presses Enter every so often, which adds a paragraph element.
 */
export class BenchClient {
  readonly doc = new Y.Doc();
  private readonly fragment = this.doc.getXmlFragment("default");
  private paragraph: Y.XmlText | null = null;
  private socket: WebSocket | null = null;
  private typed = 0;
  synced = false;
  authenticated = false;
  closedWith: number | null = null;
  /** Errors the server reported (Hocuspocus's permission denied, unexpected closes): any one fails the run. */
  readonly problems: string[] = [];

  constructor(
    readonly kind: ServerKind,
    readonly url: string,
    readonly documentName: string,
    readonly ticket: ClientTicket,
    readonly ledger: DocumentLedger,
    readonly index: number,
  ) {
    ledger.add(this);
    this.doc.on("update", (update: Uint8Array, origin: unknown) => {
      if (origin === REMOTE) return;
      const sentAt = performance.now();
      this.send(this.frame(SYNC, (e) => syncProtocol.writeUpdate(e, update)));
      this.ledger.recordSend(this, Y.getState(this.doc.store, this.doc.clientID), sentAt);
    });
  }

  /** Opens the socket and resolves when the first sync with the server is complete. */
  connect(timeoutMs = 30_000): Promise<void> {
    const target = this.kind === "ours" ? `${this.url}/${encodeURIComponent(this.documentName)}` : this.url;
    const headers: Record<string, string> = {};
    if (this.ticket.cookie) headers.cookie = this.ticket.cookie;
    if (this.ticket.origin) headers.origin = this.ticket.origin;
    const socket = new WebSocket(target, { headers, perMessageDeflate: false });
    socket.binaryType = "nodebuffer";
    this.socket = socket;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.kind} client ${this.index} of ${this.documentName} did not sync within ${timeoutMs} ms`)), timeoutMs);
      const done = (error?: Error) => {
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      socket.once("unexpected-response", (_req, res) => done(new Error(`${this.kind} refused the upgrade with ${res.statusCode}`)));
      socket.once("error", (error) => done(error));
      socket.on("close", (code) => {
        this.closedWith = code;
        if (!this.closing) this.problems.push(`socket closed by the server with ${code}`);
        done(new Error(`socket closed with ${code} before syncing`));
      });
      socket.on("open", () => {
        if (this.kind === "hocuspocus") {
          // Hocuspocus queues everything until the auth message; its default configuration accepts any token.
          this.send(this.frame(HOCUSPOCUS_AUTH, (e) => (encoding.writeVarUint(e, HOCUSPOCUS_AUTH_TOKEN), encoding.writeVarString(e, "bench"))));
        }
        this.send(this.frame(SYNC, (e) => syncProtocol.writeSyncStep1(e, this.doc)));
        // A provider announces its user once it connects (cursor moves are left out: see tests/bench/README.md).
        this.send(this.frame(AWARENESS, (e) => encoding.writeVarUint8Array(e, this.awarenessUpdate())));
      });
      socket.on("message", (data: Buffer) => {
        try {
          this.receive(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
        } catch (error) {
          this.problems.push(`cannot handle a frame: ${(error as Error).message}`);
        }
        if (this.synced) done();
      });
    });
  }

  private closing = false;

  close() {
    this.closing = true;
    this.socket?.close(1000);
  }

  /** Starts this client's own paragraph, as placing the cursor on a new line and typing would. */
  startParagraph() {
    this.doc.transact(() => {
      const paragraph = new Y.XmlElement("paragraph");
      const text = new Y.XmlText();
      paragraph.insert(0, [text]);
      this.fragment.insert(this.fragment.length, [paragraph]);
      this.paragraph = text;
    });
  }

  /** One keystroke: a character at the end of this client's paragraph; every 60th keystroke is Enter instead. */
  type() {
    if (!this.paragraph) return this.startParagraph();
    this.typed++;
    if (this.typed % 60 === 0) return this.startParagraph();
    const word = words[(this.typed + this.index) % words.length];
    const char = this.typed % 7 === 0 ? " " : word[this.typed % word.length];
    this.paragraph.insert(this.paragraph.length, char);
  }

  content() {
    return this.fragment.toString();
  }

  private awarenessUpdate() {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, 1);
    encoding.writeVarUint(encoder, this.doc.clientID);
    encoding.writeVarUint(encoder, 1);
    encoding.writeVarString(encoder, JSON.stringify({ user: { name: `Editor ${this.index + 1}`, color: "#1f6feb" } }));
    return encoding.toUint8Array(encoder);
  }

  private frame(type: number, write: (encoder: encoding.Encoder) => void) {
    const encoder = encoding.createEncoder();
    if (this.kind === "hocuspocus") encoding.writeVarString(encoder, this.documentName);
    encoding.writeVarUint(encoder, type);
    write(encoder);
    return encoding.toUint8Array(encoder);
  }

  private send(frame: Uint8Array) {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(frame);
  }

  private receive(data: Uint8Array) {
    const decoder = decoding.createDecoder(data);
    if (this.kind === "hocuspocus") decoding.readVarString(decoder);
    const type = decoding.readVarUint(decoder);
    if (type === SYNC || (this.kind === "hocuspocus" && type === HOCUSPOCUS_SYNC_REPLY)) {
      const step = decoding.readVarUint(decoder);
      if (step === syncProtocol.messageYjsSyncStep1) {
        // The server's state vector: answer with what it lacks (nothing, for a fresh client).
        const sv = decoding.readVarUint8Array(decoder);
        this.send(this.frame(SYNC, (e) => (encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep2), encoding.writeVarUint8Array(e, Y.encodeStateAsUpdate(this.doc, sv)))));
        return;
      }
      const update = decoding.readVarUint8Array(decoder);
      Y.applyUpdate(this.doc, update, REMOTE);
      if (step === syncProtocol.messageYjsSyncStep2) this.synced = true;
      this.ledger.noteReceived(this, performance.now());
      return;
    }
    if (this.kind === "hocuspocus" && type === HOCUSPOCUS_AUTH) {
      const answer = decoding.readVarUint(decoder);
      if (answer === HOCUSPOCUS_AUTHENTICATED) this.authenticated = true;
      if (answer === HOCUSPOCUS_PERMISSION_DENIED) this.problems.push(`permission denied: ${decoding.readVarString(decoder)}`);
    }
    // Awareness, Hocuspocus's per-update sync status and anything else: not part of the measurement.
  }
}
