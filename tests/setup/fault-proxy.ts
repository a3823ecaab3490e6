// A TCP proxy that can misbehave on command — forward, hang (hold every byte, close nothing), drop (destroy every
// connection) or refuse (stop listening, so connecting is refused) — to put real network faults between the app and a
// database.
import net from "node:net";

export type FaultMode = "forward" | "hang" | "refuse";

interface Pair {
  client: net.Socket;
  upstream: net.Socket | null;
  /** Bytes held while hanging, per direction, sent in order when forwarding resumes. */
  toUpstream: Buffer[];
  toClient: Buffer[];
}

export interface FaultProxy {
  port: number;
  /** The target URL with host and port replaced by the proxy's. */
  urlFor(targetUrl: string): string;
  mode(): FaultMode;
  /** Forward again; bytes held while hanging are delivered in order. */
  forward(): void;
  /** Stop forwarding in both directions without closing anything, as a host that died without a reset looks. */
  hang(): void;
  /** Destroy every open connection (both ends), as a restart or a reset does. */
  drop(): void;
  /** Stop listening (connections are refused: RST) and drop the open ones, as a database host that is down looks. */
  refuse(): Promise<void>;
  /** Connections currently open through the proxy. */
  openConnections(): number;
  close(): Promise<void>;
}

export async function startFaultProxy(target: { host: string; port: number }): Promise<FaultProxy> {
  let mode: FaultMode = "forward";
  const pairs = new Set<Pair>();

  const connectUpstream = (pair: Pair) => {
    const upstream = net.connect(target.port, target.host);
    pair.upstream = upstream;
    upstream.on("data", (chunk: Buffer) => {
      if (mode === "hang") pair.toClient.push(chunk);
      else pair.client.write(chunk);
    });
    upstream.on("error", () => pair.client.destroy());
    upstream.on("close", () => {
      pair.client.destroy();
      pairs.delete(pair);
    });
    for (const chunk of pair.toUpstream.splice(0)) upstream.write(chunk);
  };

  const server = net.createServer((client) => {
    if (mode === "refuse") return client.destroy();
    const pair: Pair = { client, upstream: null, toUpstream: [], toClient: [] };
    pairs.add(pair);
    client.on("data", (chunk: Buffer) => {
      if (mode === "hang" || !pair.upstream) pair.toUpstream.push(chunk);
      else pair.upstream.write(chunk);
    });
    client.on("error", () => pair.upstream?.destroy());
    client.on("close", () => {
      pair.upstream?.destroy();
      pairs.delete(pair);
    });
    // A connection that arrives while hanging is accepted (the kernel would have) and connected upstream later.
    if (mode !== "hang") connectUpstream(pair);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;

  const dropAll = () => {
    for (const pair of pairs) {
      pair.client.destroy();
      pair.upstream?.destroy();
    }
    pairs.clear();
  };

  return {
    port,
    urlFor(targetUrl) {
      const url = new URL(targetUrl);
      url.hostname = "127.0.0.1";
      url.port = String(port);
      return url.toString();
    },
    mode: () => mode,
    forward() {
      if (mode === "refuse") server.listen(port, "127.0.0.1");
      mode = "forward";
      for (const pair of pairs) {
        if (!pair.upstream) connectUpstream(pair);
        else for (const chunk of pair.toUpstream.splice(0)) pair.upstream.write(chunk);
        for (const chunk of pair.toClient.splice(0)) pair.client.write(chunk);
      }
    },
    hang() {
      mode = "hang";
    },
    drop: dropAll,
    async refuse() {
      if (mode === "refuse") return;
      mode = "refuse";
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      dropAll();
      await closed;
    },
    openConnections: () => pairs.size,
    async close() {
      dropAll();
      if (mode !== "refuse") await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
