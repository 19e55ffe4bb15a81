import { and, eq } from "drizzle-orm";
import { toHex } from "../../core/codecs/hex";
import type { Database } from "../client";
import { reportChunks } from "../schema";

/**
 * Stores piece `seq` of a report's file (one statement: at 1 MiB, about 2 MiB of hex). A piece an
 * earlier attempt stored is overwritten. Nothing is written once the report is ready, and the
 * report row is held FOR SHARE while writing, so the statement that makes a report ready waits
 * for a write under way and every later write finds the report ready and does nothing.
 */
export async function storeReportChunk(db: Database, reportId: string, seq: number, bytes: Uint8Array): Promise<void> {
  await db.sql.query(
    `insert into report_chunks (report_id, seq, bytes)
     select $1::uuid, $2::int, $3::bytea
     where exists (select 1 from reports where id = $1::uuid and status <> 'ready' for share)
     on conflict (report_id, seq) do update set bytes = excluded.bytes`,
    [reportId, seq, `\\x${toHex(bytes)}`],
  );
}

export interface StoredFile {
  /** How many pieces this attempt stored (seq 0 … chunks-1); any beyond are an earlier attempt's and are removed. */
  chunks: number;
  size: number;
  sha256: string;
  contentType: string;
  fileName: string;
  expiresAt: Date;
}

/**
 * Makes a report ready once its pieces are stored: in one transaction that first locks the report
 * row (waiting for piece writes under way), removes pieces past this file's end, and sets the
 * metadata and status only if the stored pieces, joined, hash to `sha256`. So a ready report's
 * pieces are always exactly its file, even when two deliveries of one render ran at once.
 * True when the report is ready (by this call or a concurrent one); false when the pieces do not
 * match (another attempt overwrote some), which the caller answers by rendering again.
 */
export async function finishReportFile(db: Database, reportId: string, file: StoredFile): Promise<boolean> {
  const { sql } = db;
  const [, , updated, current] = await sql.transaction([
    sql`select 1 from reports where id = ${reportId} for update`,
    sql`delete from report_chunks where report_id = ${reportId} and seq >= ${file.chunks}
        and exists (select 1 from reports where id = ${reportId} and status <> 'ready')`,
    sql`update reports
        set status = 'ready', error = null, ready_at = now(), content_type = ${file.contentType}, file_name = ${file.fileName},
            size = ${file.size}, sha256 = ${file.sha256}, expires_at = ${file.expiresAt.toISOString()}
        where id = ${reportId} and status <> 'ready'
          and sha256(coalesce((select string_agg(bytes, ''::bytea order by seq) from report_chunks where report_id = ${reportId}), ''::bytea))
              = decode(${file.sha256}, 'hex')
        returning id`,
    sql`select status from reports where id = ${reportId}`,
  ]);
  return (updated?.length ?? 0) > 0 || current?.[0]?.status === "ready";
}

/** Piece `seq` of a report's file; undefined past its last piece (or for a report stored before pieces existed). */
export async function reportChunk(db: Database, reportId: string, seq: number): Promise<Uint8Array | undefined> {
  const [row] = await db.orm
    .select({ bytes: reportChunks.bytes })
    .from(reportChunks)
    .where(and(eq(reportChunks.reportId, reportId), eq(reportChunks.seq, seq)))
    .limit(1);
  return row?.bytes;
}
