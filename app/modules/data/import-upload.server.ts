// Reads an import's multipart upload as it arrives, a chunk at a time, so a 40 MB file never makes the server parse
// a whole buffered body in one go (ADR 0039); the body's size cap is the HTTP layer's, this only keeps what fits.
import { unstable_parseMultipartFormData, type UploadHandler } from "@remix-run/node";
import { MAX_UPLOAD_BYTES } from "./import";

export interface ReceivedUpload {
  /** The form's `intent` field. */
  intent: string | null;
  /** The `file` field: its name and bytes, or null when none was chosen. */
  file: { name: string; bytes: Uint8Array } | null;
  /** True when the file was larger than MAX_UPLOAD_BYTES (its bytes were then not kept). */
  tooLarge: boolean;
}

export const isMultipart = (request: Request) => /^multipart\/form-data\s*;/i.test(request.headers.get("content-type") ?? "");

/** The intent and the file of a multipart upload form; other fields are read (short) and dropped. */
export async function receiveUpload(request: Request): Promise<ReceivedUpload> {
  const received: ReceivedUpload = { intent: null, file: null, tooLarge: false };
  const handler: UploadHandler = async ({ name, filename, data }) => {
    if (name === "file" && typeof filename === "string") {
      const chunks: Uint8Array[] = [];
      let size = 0;
      // The parser hands over the body as it arrives; reading it here lets other requests run between chunks.
      for await (const chunk of data) {
        size += chunk.byteLength;
        if (size <= MAX_UPLOAD_BYTES) chunks.push(chunk);
      }
      received.tooLarge = size > MAX_UPLOAD_BYTES;
      if (size > 0 || filename) received.file = { name: filename, bytes: received.tooLarge ? new Uint8Array() : Buffer.concat(chunks) };
      return undefined;
    }
    let text = "";
    const decoder = new TextDecoder();
    for await (const chunk of data) if (text.length < 200) text += decoder.decode(chunk, { stream: true });
    if (name === "intent") received.intent = text.slice(0, 200);
    return undefined;
  };
  await unstable_parseMultipartFormData(request, handler);
  return received;
}
