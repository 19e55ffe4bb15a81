import { asc, gt, sql } from "drizzle-orm";
import type { Database } from "../client";
import { organizations } from "../schema";

/** A Postgres array literal of uuids (one parameter, whatever the page's size). */
const uuidArray = (ids: readonly string[]) => sql`${`{${ids.join(",")}}`}::uuid[]`;

/** One organisation run of a nightly run's page, as the nightly step publishes its plan. */
export interface NightlyChild {
  id: string;
  organizationId: string | null;
  status: string;
}

export interface NightlyPage {
  /** The page's organisations, in id order (at most `size`). */
  organizationIds: string[];
  /** Whether organisations after the page remain (the page ends at the last of `organizationIds`). */
  more: boolean;
  /** Their runs in this nightly run (an organisation that has none was skipped, see `queueNightlyPage`). */
  children: NightlyChild[];
  /** Runs of the page this call adopted (queued before the nightly run, by a request). */
  adopted: number;
  /** Organisation runs of the nightly run so far, all pages. */
  total: number;
}

/**
 * Queues the organisation runs of one page of a nightly run: the first `size` organisations with an
 * id after `after` (keyset, so a page costs the same however far into the list). An organisation
 * that already has a queued run without a parent (a refresh an admin asked for) has that run adopted
 * — it becomes the nightly's, and refits the models — instead of being skipped for the night; the
 * others get a new run. Only while the nightly run is still queuing (status `queued`), and only for
 * organisations that have no run in it yet, so a redelivered page finds the same runs and adds
 * none. An organisation whose queued run belongs to another nightly run is skipped (no child).
 * Two requests: the page's ids, then adopt, insert and read back in one transaction.
 */
export async function queueNightlyPage(db: Database, parentRunId: string, after: string | undefined, size: number): Promise<NightlyPage> {
  const rows = await db.orm
    .select({ id: organizations.id })
    .from(organizations)
    .where(after ? gt(organizations.id, after) : undefined)
    .orderBy(asc(organizations.id))
    .limit(size + 1);
  const organizationIds = rows.slice(0, size).map((row) => row.id);
  const ids = uuidArray(organizationIds);
  const queuing = sql`exists (select 1 from pipeline_runs p where p.id = ${parentRunId} and p.status = 'queued')`;
  const hasNoChild = (scopeId: ReturnType<typeof sql>) =>
    sql`not exists (select 1 from pipeline_runs c where c.parent_run_id = ${parentRunId} and c.scope_id = ${scopeId})`;
  const [adopted, , children, total] = await db.orm.batch([
    db.orm.execute(sql`
      update pipeline_runs r set parent_run_id = ${parentRunId}, fit_models = true
      where r.scope = 'organization' and r.status = 'queued' and r.parent_run_id is null
        and r.scope_id = any(${ids}) and ${queuing} and ${hasNoChild(sql`r.scope_id`)}
      returning r.id`),
    db.orm.execute(sql`
      insert into pipeline_runs (organization_id, scope, scope_id, parent_run_id, fit_models, status)
      select o.id, 'organization'::run_scope, o.id, ${parentRunId}::uuid, true, 'queued'::run_status from unnest(${ids}) as o(id)
      where ${queuing} and ${hasNoChild(sql`o.id`)}
      on conflict do nothing`),
    db.orm.execute(sql`
      select id, organization_id as "organizationId", status from pipeline_runs
      where parent_run_id = ${parentRunId} and scope_id = any(${ids}) order by scope_id`),
    db.orm.execute(sql`select count(*)::int as n from pipeline_runs where parent_run_id = ${parentRunId}`),
  ]);
  return {
    organizationIds,
    more: rows.length > size,
    children: children.rows as unknown as NightlyChild[],
    adopted: adopted.rows.length,
    total: Number((total.rows[0] as { n: number } | undefined)?.n ?? 0),
  };
}

/** How many failed organisations a settled nightly run's error names; the rest are counted. */
const NAMED_FAILURES = sql.raw("5");

/**
 * Settles the given nightly runs that have no unfinished organisation run left: `completed` when
 * every one completed, `failed` when every one failed, else `partial`, with an error that says how
 * many failed and names the first organisations (by slug). One conditional statement: only a
 * running parent (one that has queued all its organisation runs) settles, once — two organisation
 * runs finishing together both call this, and the second finds the parent no longer running.
 * Each caller has committed its own run's end first, so the last one to finish sees them all.
 */
export async function settleParents(db: Database, parentRunIds: readonly (string | null)[]): Promise<void> {
  const ids = [...new Set(parentRunIds.filter((id): id is string => id !== null))];
  if (ids.length === 0) return;
  await db.orm.execute(sql`
    update pipeline_runs p set
      status = (case when t.failed = 0 then 'completed' when t.failed = t.total then 'failed' else 'partial' end)::run_status,
      error = case when t.failed = 0 then null
        else t.failed || ' of ' || t.total || ' organisation runs failed: '
          || array_to_string(t.names[1:${NAMED_FAILURES}], ', ')
          || case when t.failed > ${NAMED_FAILURES} then ' and ' || (t.failed - ${NAMED_FAILURES}) || ' more' else '' end
        end,
      finished_at = now()
    from (
      select q.id, count(c.id) filter (where c.status = 'failed') as failed, count(c.id) as total,
        array_agg(coalesce(o.slug, c.scope_id::text) order by o.slug) filter (where c.status = 'failed') as names
      from unnest(${uuidArray(ids)}) as q(id)
        left join pipeline_runs c on c.parent_run_id = q.id
        left join organizations o on o.id = c.organization_id
      group by q.id
    ) t
    where p.id = t.id and p.scope = 'nightly' and p.status = 'running'
      and not exists (select 1 from pipeline_runs u where u.parent_run_id = p.id and u.status in ('queued', 'running'))`);
}
