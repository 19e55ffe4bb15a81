import type { Database } from "../../db/client";
import { reportChunk } from "../../db/queries/report-file";
import { legacyReportContent } from "../../db/queries/reports";

/**
 * A ready report's file of `size` bytes as a stream that reads one stored piece per query, when
 * the consumer asks for more (highWaterMark 0): a Worker holds one piece at a time whatever the
 * file's size, and no response is larger than a piece. The first piece is read before the stream
 * is handed out, so a file with no pieces is known before any header is sent: then it is a
 * report stored the old way, in its row, read in one response and sent as one buffer. Undefined
 * when there is no file.
 */
export async function openReportFile(
  db: Database,
  id: string,
  size: number,
): Promise<ReadableStream<Uint8Array> | Uint8Array<ArrayBuffer> | undefined> {
  const first = size > 0 ? await reportChunk(db, id, 0) : new Uint8Array(0);
  if (!first) {
    const legacy = await legacyReportContent(db, id);
    return legacy && new Uint8Array(legacy);
  }
  let next: Uint8Array | undefined = first;
  let seq = 0;
  let sent = 0;
  const pieces = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (sent >= size) return controller.close();
        const bytes = next ?? (await reportChunk(db, id, seq));
        next = undefined;
        // A piece missing or too long: the report was removed or changed while streaming.
        if (!bytes || sent + bytes.length > size) return controller.error(new Error(`report ${id}: piece ${seq} does not fit its size`));
        controller.enqueue(bytes);
        sent += bytes.length;
        seq += 1;
        if (sent === size) controller.close();
      },
    },
    { highWaterMark: 0 },
  );
  // Workers send a stream of unknown length chunked, whatever Content-Length says: through a
  // FixedLengthStream the length is known, and a stream that ends short or long is an error.
  return pieces.pipeThrough(new FixedLengthStream(size));
}
