import { recordAudit, type Actor } from '../audit/record';
import { HttpError, Invalid } from '../http/errors';
import { t } from '../i18n';
import { FileFault, readCsv } from '../imports/parse';
import { fault, type ImportIssue } from '../imports/rows';
import { REFERRAL_VARIABLES } from './referral-rules';
import { INSERT_COLUMNS, submitInTrx, type Deferred, type Prefetched, type ReferralAction, type ReferralCtx } from './referrals';
import type { Knex } from 'knex';
import { whereSentFromScope } from '../access';
import { lockAllGroups, rematchGroups, type Group } from './matching';
import type { ReferralRow } from './referral-queries';
import { insertRows } from '../db/bulk';
import { isPostgres } from '../db/connect';
import { today } from '../time';

/**
 * The referral import (pathway.md §7): the course import's rules (formats.md) and report, with unchanged, withdrawn
 * and skipped counts and one line per referral. All rows or none, in one transaction.
 */

export interface ReferralImportReport {
  dry_run: boolean; rows: number; created: number; updated: number; unchanged: number; withdrawn: number; skipped: number;
  referrals: { line: number; action: ReferralAction; sor_code: string | null; referral_id: string | null; id: number | null }[];
  errors: ImportIssue[]; warnings: ImportIssue[];
}

const REQUIRED = ['referral_id', 'cpr', 'municipality_code', 'referral_date', 'diagnosis_group'];

function checkHeader(names: string[], ctx: ReferralCtx): ImportIssue[] {
  const errors: ImportIssue[] = [];
  const seen = new Set<string>();
  for (const name of names) {
    if (!(REFERRAL_VARIABLES as readonly string[]).includes(name)) errors.push(fault(1, name, 'unknown_column', ctx.lang, { name }));
    else if (seen.has(name)) errors.push(fault(1, name, 'duplicate_column', ctx.lang, { name }));
    seen.add(name);
  }
  const required = ctx.user.scope.kind === 'department' ? REQUIRED : [...REQUIRED, 'sor_code'];
  for (const name of required) if (!seen.has(name)) errors.push(fault(1, name, 'missing_column', ctx.lang, { name }));
  return errors;
}

class Rollback extends Error {}

/**
 * The (sor_code, referral_id) keys met so far, by department. The ids are the rows' own strings (the report keeps them
 * anyway), so a 100 000-row file adds no key strings to the import's memory.
 */
class KeysSeen {
  private readonly bySor = new Map<string, Set<unknown>>();

  /** True when the key was met before; else it is recorded. */
  repeated(sor: string, id: unknown): boolean {
    let ids = this.bySor.get(sor);
    if (!ids) this.bySor.set(sor, (ids = new Set()));
    if (ids.has(id)) return true;
    ids.add(id);
    return false;
  }
}

/** Rows validated and written together: one look-up of stored keys, one bulk insert, one rematch, one audit insert. */
export const IMPORT_BATCH = 1000;

type Item = { line: number; raw: Record<string, unknown> };
type Lookups = Omit<Prefetched, 'stored' | 'defer'>;

/** The departments in the user's scope (all, and active) and every municipality's registering_since, once per import. */
async function lookups(trx: Knex.Transaction, ctx: ReferralCtx): Promise<Lookups> {
  const rows: { sor_code: string; active: unknown }[] = await whereSentFromScope(trx('hospitals').select('sor_code', 'active'), ctx.user.scope, 'sor_code');
  const m: { code: string; registering_since: unknown }[] = await trx('municipalities').select('code', 'registering_since');
  const iso = (v: unknown) => (v == null ? null : v instanceof Date
    ? `${v.getFullYear()}-${String(v.getMonth() + 1).padStart(2, '0')}-${String(v.getDate()).padStart(2, '0')}` : String(v).slice(0, 10));
  return {
    departments: { all: new Set(rows.map((r) => r.sor_code)), active: new Set(rows.filter((r) => Boolean(r.active)).map((r) => r.sor_code)) },
    coverage: new Map(m.map((x) => [x.code, iso(x.registering_since)])),
  };
}

const keyOf = (sor: unknown, id: unknown) => `${sor}\u0000${id}`;

/**
 * The stored rows of the batch's keys: per department, one query per 500 ids (the (sor_code, referral_id) index).
 * SQLite: the queries are sent together, so on the transaction's one connection each waits behind the statement of
 * the batch in flight that runs, not behind all of that batch's statements (sent one after another): the batch in
 * flight still writes while this one is validated. PostgreSQL: one after another, as node-postgres deprecates more
 * than one query waiting on a client (and one query of both key lists is planned as a slow scan, or, as row values,
 * slowly planned).
 */
async function storedRows(trx: Knex.Transaction, keys: [string, string][]): Promise<Map<string, ReferralRow>> {
  const bySor = new Map<string, string[]>();
  for (const [sor, id] of keys) {
    const list = bySor.get(sor) ?? [];
    list.push(id);
    bySor.set(sor, list);
  }
  const queries: (() => Promise<ReferralRow[]>)[] = [];
  for (const [sor, ids] of bySor) {
    for (let i = 0; i < ids.length; i += 500) queries.push(async () => trx('referrals').where('sor_code', sor).whereIn('referral_id', ids.slice(i, i + 500)));
  }
  const results: ReferralRow[][] = [];
  if (isPostgres(trx)) for (const q of queries) results.push(await q());
  else results.push(...await Promise.all(queries.map((q) => q())));
  const out = new Map<string, ReferralRow>();
  for (const rows of results) for (const r of rows) out.set(keyOf(r.sor_code, r.referral_id), r);
  return out;
}

/** Created referrals' groups rematched together once this many wait (few, large look-ups of the groups' rows). */
export const REMATCH_GROUPS = 10_000;

/**
 * The batches' writes, each started when the one before it is done (file order, one batch in flight): a batch's
 * inserts and audit run in the engine (PostgreSQL's server, SQLite's worker thread) while the next batch is parsed
 * and validated here. The groups of created referrals wait and are rematched together (every REMATCH_GROUPS, before
 * a batch that updates, and at the end): a group's match is recomputed whole from the stored rows, so when it is
 * recomputed after its last change the outcome is the same as after each batch.
 */
class BatchWrites {
  private last: Promise<void> = Promise.resolve();
  private groups: Group[] = [];

  constructor(private readonly trx: Knex.Transaction, private readonly rematchAt: number) {}

  /** Wait for the earlier batch's writes (one batch in flight at most: memory stays bounded), then start this one's. */
  async start(write: () => Promise<void>): Promise<void> {
    await this.last;
    const next = write();
    next.catch(() => undefined); // settle() reports it; no unhandled rejection meanwhile
    this.last = next;
  }

  /** Groups to rematch (within a write): rematched now when enough wait. */
  async rematchLater(groups: Group[]): Promise<void> {
    for (const g of groups) this.groups.push(g);
    if (this.groups.length >= this.rematchAt) await this.rematchWaiting();
  }

  /** Every write started so far done and, unless the transaction is to roll back, the waiting groups rematched; rejects with the first failure. */
  async settle(rematch = true): Promise<void> {
    await this.last;
    if (rematch && this.groups.length) await this.start(() => this.rematchWaiting());
    return this.last;
  }

  private async rematchWaiting(): Promise<void> {
    const groups = this.groups;
    this.groups = [];
    await rematchGroups(this.trx, groups);
  }
}

/**
 * Validate one batch and start its writes: creates are inserted (multi-row, ids returned) and audited together. A
 * batch with a stored key waits for the earlier batches' writes and rematches first: its updates rematch at once, and
 * a group may hold a referral created in an earlier batch.
 */
async function runBatch(trx: Knex.Transaction, ctx: ReferralCtx, items: Item[], look: Lookups, dryRun: boolean, r: ReferralImportReport,
  writes: BatchWrites): Promise<void> {
  const sorOf = (raw: Record<string, unknown>) => (raw.sor_code as string | undefined) ?? ctx.user.scope.code;
  const keys = items.filter((x) => typeof x.raw.referral_id === 'string').map((x) => [String(sorOf(x.raw)), String(x.raw.referral_id)] as [string, string]);
  const stored = await storedRows(trx, keys);
  if (stored.size > 0) await writes.settle();
  const defer: Deferred = { rows: [], groups: [], audits: [] };
  const created: ReferralImportReport['referrals'] = [];
  const on = today();
  for (const { line, raw } of items) {
    const pre: Prefetched = { ...look, stored: stored.get(keyOf(sorOf(raw), raw.referral_id)) ?? null, today: on, defer };
    const deferredBefore = defer.rows.length;
    const entry = await importRow(trx, ctx, raw, line, dryRun || r.errors.length > 0, r, pre);
    if (entry && defer.rows.length > deferredBefore) created.push(entry);
  }
  if (dryRun || r.errors.length > 0 || defer.rows.length === 0) return;
  await writes.start(() => insertDeferred(trx, ctx, defer, created, writes));
}

/** Insert a batch's deferred creates, set their ids in the report, audit them and leave their groups to rematch. */
async function insertDeferred(trx: Knex.Transaction, ctx: ReferralCtx, defer: Deferred, created: ReferralImportReport['referrals'],
  writes: BatchWrites): Promise<void> {
  const inserted = await insertRows(trx, 'referrals', INSERT_COLUMNS, defer.rows, { returning: ['id', 'sor_code', 'referral_id'] });
  const ids = new Map(inserted.map((x) => [keyOf(x.sor_code, x.referral_id), Number(x.id)]));
  for (const e of created) e.id = ids.get(keyOf(e.sor_code, e.referral_id)) ?? null;
  await writes.rematchLater(defer.groups);
  await recordAudit(trx, ctx.actor, ...defer.audits.map((a, i) => ({ ...a, entityId: ids.get(keyOf(defer.rows[i][0], defer.rows[i][1])) })));
}

/**
 * Import a referral CSV as this user, streamed in batches of IMPORT_BATCH rows inside one transaction (all or
 * nothing); a dry run or a file with errors writes nothing but the summary audit row. A committing import holds the
 * all-groups matching lock from its start (matching.ts). `opts.rematchGroups` (default REMATCH_GROUPS; tests compare
 * 1, a rematch after every batch) sets how many created referrals' groups wait to be rematched together.
 */
export async function importReferrals(ctx: ReferralCtx, actor: Actor, source: AsyncIterable<Buffer | string>, maxBytes: number,
  dryRun: boolean, opts: { rematchGroups?: number } = {}): Promise<ReferralImportReport> {
  const r: ReferralImportReport = { dry_run: dryRun, rows: 0, created: 0, updated: 0, unchanged: 0, withdrawn: 0, skipped: 0, referrals: [], errors: [], warnings: [] };
  try {
    await ctx.db.transaction(async (trx) => {
      let header: string[] | undefined;
      const seen = new KeysSeen();
      if (!dryRun) await lockAllGroups(trx);
      const look = await lookups(trx, ctx);
      // One string per department code, shared by every row that names it (the report holds a code per row).
      const codes = new Map([...look.departments.all].map((c) => [c, c]));
      const writes = new BatchWrites(trx, opts.rematchGroups ?? REMATCH_GROUPS);
      let batch: Item[] = [];
      try {
        for await (const rec of readCsv(source, maxBytes)) {
          if (!header) {
            header = rec.cells.map((c) => c.trim());
            r.errors.push(...checkHeader(header, ctx));
            continue;
          }
          if (r.errors.some((e) => e.line === 1)) continue;
          r.rows += 1;
          if (rec.cells.length !== header.length) {
            r.errors.push(fault(rec.line, null, 'field_count', ctx.lang, { got: rec.cells.length, expected: header.length }));
            continue;
          }
          const raw: Record<string, unknown> = Object.fromEntries(header.map((h, i) => [h, rec.cells[i]]));
          if (raw.sor_code === '' && ctx.user.scope.kind === 'department') delete raw.sor_code;
          if (typeof raw.sor_code === 'string') raw.sor_code = codes.get(raw.sor_code) ?? raw.sor_code;
          if (seen.repeated(String(raw.sor_code ?? ctx.user.scope.code), raw.referral_id)) {
            r.errors.push({ line: rec.line, column: 'referral_id', code: 'duplicate_key', message: t(ctx.lang, 'pathway.errors.duplicate_key') });
            continue;
          }
          batch.push({ line: rec.line, raw });
          if (batch.length >= IMPORT_BATCH) {
            await runBatch(trx, ctx, batch, look, dryRun, r, writes);
            batch = [];
          }
        }
        await runBatch(trx, ctx, batch, look, dryRun, r, writes);
        if (header && r.rows === 0 && r.errors.length === 0) r.errors.push(fault(2, null, 'no_data_row', ctx.lang));
      } catch (err) {
        if (!(err instanceof FileFault)) {
          await writes.settle(false).catch(() => undefined);
          throw err;
        }
        r.errors.push(fault(err.line, null, err.code, ctx.lang, err.params));
      }
      await writes.settle(!dryRun && r.errors.length === 0);
      if (dryRun || r.errors.length) throw new Rollback();
      await recordAudit(trx, actor, summary(r, dryRun));
    });
  } catch (e) {
    if (!(e instanceof Rollback)) throw e;
    await recordAudit(ctx.db, actor, summary(r, dryRun));
  }
  r.errors.sort((a, b) => a.line - b.line);
  return r;
}

function summary(r: ReferralImportReport, dryRun: boolean) {
  return { action: dryRun ? 'referral_import_dry_run' : 'referral_import', entity: 'referral_import',
    detail: { rows: r.rows, created: r.created, updated: r.updated, unchanged: r.unchanged, withdrawn: r.withdrawn, skipped: r.skipped,
      errors: r.errors.length, committed: !dryRun && r.errors.length === 0 } };
}

async function importRow(trx: Knex.Transaction, ctx: ReferralCtx, raw: Record<string, unknown>, line: number,
  dryRun: boolean, r: ReferralImportReport, pre: Prefetched): Promise<ReferralImportReport['referrals'][number] | undefined> {
  try {
    const res = await submitInTrx(trx, { ...ctx, actor: ctx.actor }, raw, dryRun, pre);
    const counter = { create: 'created', update: 'updated', unchanged: 'unchanged', withdraw: 'withdrawn', skip: 'skipped' } as const;
    r[counter[res.action]] += 1;
    const entry = { line, action: res.action, sor_code: (raw.sor_code as string) ?? ctx.user.scope.code, referral_id: (raw.referral_id as string) ?? null,
      id: res.action === 'skip' || (dryRun && res.action === 'create') ? null : res.id };
    r.referrals.push(entry);
    for (const w of res.warnings) r.warnings.push({ line, column: 'municipality_code', code: w.code, message: w.message });
    return entry;
  } catch (e) {
    if (!(e instanceof Invalid) && !(e instanceof HttpError)) throw e;
    const fields = Object.entries(e.fields);
    if (fields.length === 0) r.errors.push({ line, column: null, code: e.code, message: e.message });
    for (const [column, message] of fields) r.errors.push({ line, column, code: 'invalid', message });
  }
}
