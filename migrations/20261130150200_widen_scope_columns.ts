import type { Knex } from 'knex';

/**
 * A department scope (pathway.md §2) is a hospitals code of up to 18 characters: widen the scope columns that held
 * at most a region code. SQLite does not enforce varchar lengths, so only PostgreSQL needs the change.
 */
const COLUMNS: [string, string, boolean][] = [['users', 'scope', false], ['audit_log', 'actor_scope', true], ['audit_log', 'record_scope', true]];

export async function up(knex: Knex): Promise<void> {
  if (knex.client.config.client !== 'pg') return;
  for (const [table, column] of COLUMNS) await knex.raw('alter table ?? alter column ?? type varchar(18)', [table, column]);
}

export async function down(): Promise<void> {
  // Narrowing back would fail on stored department scopes; left wide.
}
