import { Writable } from "node:stream";
import { Suspense } from "react";
import { renderToPipeableStream } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { withoutUnwrittenTail } from "./entry.server";

/** Renders the way entry.server does and collects the pieces React writes, each passed through `clean`. */
function render(node: React.ReactNode, clean: (chunk: Buffer) => Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const pieces: Buffer[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        pieces.push(clean(chunk));
        done();
      },
      final(done) {
        resolve(Buffer.concat(pieces));
        done();
      },
    });
    const { pipe } = renderToPipeableStream(node, { onAllReady: () => pipe(sink), onShellError: reject });
  });
}

// Cells with a minus sign (3 bytes in UTF-8) at every offset, so one of them meets the end of a 2 KiB buffer.
const page = (
  <Suspense fallback={null}>
    <table>
      <tbody>
        {Array.from({ length: 600 }, (_, i) => (
          <tr key={i}>
            <td>{`${"x".repeat(i % 7)}−${i}`}</td>
          </tr>
        ))}
      </tbody>
    </table>
  </Suspense>
);

describe("streamed HTML", () => {
  it("React 18.3 alone writes NUL bytes where a multi-byte character meets a buffer's end", async () => {
    const raw = await render(page, (chunk) => chunk);
    expect(raw.includes(0)).toBe(true);
  });

  it("without the unwritten tails the page has no NUL byte and every character intact", async () => {
    const html = (await render(page, withoutUnwrittenTail)).toString("utf8");
    expect(html.includes("\u0000")).toBe(false);
    expect(html.match(/−\d+/g)).toHaveLength(600);
    expect(html.includes("\ufffd")).toBe(false);
  });

  it("leaves a piece without a tail as it was", () => {
    const piece = Buffer.from("<p>plain</p>");
    expect(withoutUnwrittenTail(piece)).toBe(piece);
  });
});
