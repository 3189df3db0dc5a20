import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { verifyPassword } from '../../../server/auth/passwords';
import { verifyToken } from '../../../server/auth/tokens';
import type { CliContext } from '../../../server/cli/command';
import { COMMANDS } from '../../../server/cli/index';
import { runCli } from '../../../server/cli/run';
import { createDb, Db } from '../../../server/db/connect';
import { testConfig } from '../../helpers/app';
import { freshDatabaseUrl, testEngine } from '../../helpers/db';

interface Run { code: number; out: string[]; err: string[] }

describe('command line', () => {
  let db: Db;
  let databaseUrl: string;
  before(async () => {
    const fresh = await freshDatabaseUrl();
    databaseUrl = fresh.url;
    db = createDb(fresh.url);
  });
  after(async () => { await db.destroy(); });

  async function cli(...argv: string[]): Promise<Run> {
    const run: Run = { code: -1, out: [], err: [] };
    const ctx: CliContext = {
      config: testConfig({ databaseUrl, isPostgres: testEngine === 'pg' }),
      db: () => db,
      out: (l) => run.out.push(l),
      err: (l) => run.err.push(l),
    };
    run.code = await runCli(COMMANDS, argv, ctx);
    return run;
  }

  const cliAudit = (action: string) => db('audit_log').where({ action, actor_email: 'cli' }).orderBy('id');

  it('--help lists every command and exits 0', async () => {
    const run = await cli('--help');

    expect(run.code).to.equal(0);
    expect(run.out.join('\n')).to.match(/migrate[\s\S]*user[\s\S]*token[\s\S]*backup/);
  });

  it('every command prints its usage on --help and exits 0', async () => {
    for (const name of ['migrate', 'user', 'token', 'backup']) {
      const run = await cli(name, '--help');

      expect(run.code, name).to.equal(0);
      expect(run.out.join('\n'), name).to.contain('Brug: npm run cli -- ' + name);
    }
  });

  it('an unknown command exits 2 with a message', async () => {
    const run = await cli('frobnicate');

    expect(run.code).to.equal(2);
    expect(run.err[0]).to.equal('Ukendt kommando: frobnicate');
  });

  it('migrate on a migrated database succeeds', async () => {
    const run = await cli('migrate');

    expect(run.code).to.equal(0);
    expect(run.out).to.deep.equal(['Databasen er opdateret.']);
  });

  it('user create without --password prints a one-time password that must be changed; audited as cli', async () => {
    const run = await cli('user', 'create', '--email', 'Ny.Terapeut@Test.dk', '--name', 'Ny Terapeut', '--roles', 'therapist,quality', '--scope', '751');

    expect(run.code).to.equal(0);
    const password = run.out[run.out.length - 1];
    const user = await db('users').where('email', 'ny.terapeut@test.dk').first();
    expect(await verifyPassword(password, user.password_hash)).to.equal(true);
    expect(Boolean(user.must_change_password)).to.equal(true);
    expect(await db('user_roles').where('user_id', user.id).orderBy('role').pluck('role')).to.deep.equal(['quality', 'therapist']);
    const [row] = await cliAudit('user_create');
    expect(row.entity_id).to.equal(String(user.id));
    expect(row.actor_user_id).to.equal(null);
    expect(row.detail).not.to.contain(password);
  });

  it('user create with --password keeps that password and asks for no change', async () => {
    const run = await cli('user', 'create', '--email', 'admin.midt@test.dk', '--name', 'Admin Midt', '--roles', 'admin', '--scope', '1082', '--password', 'et-langt-kodeord');

    expect(run.code).to.equal(0);
    expect(run.out).to.have.length(1);
    const user = await db('users').where('email', 'admin.midt@test.dk').first();
    expect(await verifyPassword('et-langt-kodeord', user.password_hash)).to.equal(true);
    expect(Boolean(user.must_change_password)).to.equal(false);
  });

  it('user create takes a hospital department\'s SOR code as the scope of a hospital user (pathway.md §7)', async () => {
    const run = await cli('user', 'create', '--email', 'afdeling@test.dk', '--name', 'Afdeling', '--roles', 'hospital', '--scope', 'P108201', '--password', 'et-langt-kodeord');

    expect(run.code, run.err.join('\n')).to.equal(0);
    expect((await db('users').where('email', 'afdeling@test.dk').first()).scope).to.equal('P108201');
  });

  it('user unlink-oidc frees a linked account (audited as cli); an unlinked one exits 1 with a message', async () => {
    await cli('user', 'create', '--email', 'linket@test.dk', '--name', 'Linket', '--roles', 'quality', '--scope', '751');
    await db('users').where('email', 'linket@test.dk').update({ oidc_issuer: 'https://login.test.dk', oidc_sub: 'abc-123' });

    const run = await cli('user', 'unlink-oidc', '--email', 'Linket@Test.dk');
    const again = await cli('user', 'unlink-oidc', '--email', 'linket@test.dk');

    expect(run.code).to.equal(0);
    expect(run.out).to.deep.equal(['linket@test.dk er ikke længere koblet til et login hos identitetsudbyderen.'.replace('linket@test.dk', 'Linket@Test.dk')]);
    expect(await db('users').where('email', 'linket@test.dk').first('oidc_issuer', 'oidc_sub')).to.deep.equal({ oidc_issuer: null, oidc_sub: null });
    const [row] = await cliAudit('oidc_unlink');
    expect(JSON.parse(row.detail).old).to.deep.equal({ issuer: 'https://login.test.dk', sub: 'abc-123' });
    expect(again.code).to.equal(1);
    expect(again.err.join()).to.contain('Ingen bruger med e-mail linket@test.dk er koblet');
  });

  const refusals: [string, string[], RegExp][] = [
    ['a missing --scope', ['--email', 'a@test.dk', '--name', 'A', '--roles', 'quality'], /Mangler --scope/],
    ['an unknown role', ['--email', 'a@test.dk', '--name', 'A', '--roles', 'boss', '--scope', '751'], /--roles: Ukendt rolle/],
    ['an unknown scope', ['--email', 'a@test.dk', '--name', 'A', '--roles', 'quality', '--scope', '999'], /--scope: Området findes ikke/],
    ['a therapist with region scope', ['--email', 'a@test.dk', '--name', 'A', '--roles', 'therapist', '--scope', '1082'], /--roles: Rollen terapeut kræver/],
    ['a password under 12 characters', ['--email', 'a@test.dk', '--name', 'A', '--roles', 'quality', '--scope', '751', '--password', 'kort'], /--password: Adgangskoden skal have mindst 12 tegn/],
    ['an unknown option', ['--email', 'a@test.dk', '--name', 'A', '--roles', 'quality', '--scope', '751', '--admin'], /Unknown option '--admin'/],
    ['an email that exists', ['--email', 'admin.midt@test.dk', '--name', 'A', '--roles', 'quality', '--scope', '751'], /--email: Der findes allerede/],
  ];
  for (const [what, args, message] of refusals) {
    it(`user create with ${what} exits 2 with a clear message and creates nothing`, async () => {
      const before = await db('users').count({ n: '*' });

      const run = await cli('user', 'create', ...args);

      expect(run.code).to.equal(2);
      expect(run.err.join('\n')).to.match(message);
      expect(await db('users').count({ n: '*' })).to.deep.equal(before);
    });
  }

  it('token create prints the token alone on the last line; it verifies and is audited', async () => {
    const run = await cli('token', 'create', '--email', 'ny.terapeut@test.dk', '--name', 'EPJ');

    expect(run.code).to.equal(0);
    const token = run.out[run.out.length - 1];
    expect(token).to.match(/^hk_[\w-]{43}$/);
    const user = await db('users').where('email', 'ny.terapeut@test.dk').first();
    expect(await verifyToken(db, token)).to.equal(user.id);
    expect(await cliAudit('token_issue')).to.have.length(1);
  });

  it('token create for an unknown email exits 1 with a message', async () => {
    const run = await cli('token', 'create', '--email', 'ingen@test.dk');

    expect(run.code).to.equal(1);
    expect(run.err[0]).to.equal('Fejl: Ingen bruger med e-mail ingen@test.dk.');
  });

  it('token revoke revokes every token of the user, one audit row each', async () => {
    await cli('token', 'create', '--email', 'ny.terapeut@test.dk');
    const user = await db('users').where('email', 'ny.terapeut@test.dk').first();

    const run = await cli('token', 'revoke', '--email', 'ny.terapeut@test.dk');

    expect(run.code).to.equal(0);
    expect(run.out[0]).to.equal('2 API-nøgle(r) tilbagekaldt for ny.terapeut@test.dk.');
    expect(await db('api_tokens').where('user_id', user.id).whereNull('revoked_at')).to.have.length(0);
    expect(await cliAudit('token_revoke')).to.have.length(2);
  });

  it('token without a subcommand exits 2 with the usage', async () => {
    const run = await cli('token');

    expect(run.code).to.equal(2);
    expect(run.err.join('\n')).to.contain('Mangler underkommando: create, revoke.');
  });

  for (const [argv, message] of [
    [['migrate', '--bogus'], "Unknown option '--bogus'"],
    [['token', 'create'], 'Mangler --email.'],
    [['token', 'create', '--email'], "Option '--email <value>' argument missing"],
    [['token', 'revoke', '--email', 'a@b.dk', 'extra'], "Unexpected argument 'extra'"],
    [['user', 'delete', '--email', 'a@b.dk'], 'Ukendt kommando: user delete'],
  ] as const) {
    it(`${argv.join(' ')} exits 2 with "${message}" and the command's usage`, async () => {
      const run = await cli(...argv);

      expect(run.code).to.equal(2);
      expect(run.err.join('\n')).to.contain(message).and.to.contain('Brug: npm run cli -- ' + argv[0]);
    });
  }

  if (testEngine === 'sqlite') {
    it('backup writes a consistent copy of the SQLite database that opens with the same users', async () => {
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hk-backup-')), 'kopi.sqlite');

      const run = await cli('backup', file);

      expect(run.code).to.equal(0);
      const copy = createDb('sqlite:' + file);
      try {
        expect(await copy('users').where('email', 'admin.midt@test.dk')).to.have.length(1);
      } finally {
        await copy.destroy();
      }
      expect(await cliAudit('backup')).to.have.length(1);
    });

    it('backup refuses to overwrite an existing file (exit 1)', async () => {
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hk-backup-')), 'findes.sqlite');
      fs.writeFileSync(file, 'x');

      const run = await cli('backup', file);

      expect(run.code).to.equal(1);
      expect(fs.readFileSync(file, 'utf8')).to.equal('x');
    });

    it('backup without FILE exits 2 with the usage', async () => {
      const run = await cli('backup');

      expect(run.code).to.equal(2);
      expect(run.err.join('\n')).to.contain('Mangler FILE');
    });
  } else {
    it('backup on PostgreSQL exits 1 saying "Brug pg_dump"', async () => {
      const run = await cli('backup', path.join(os.tmpdir(), 'never.sqlite'));

      expect(run.code).to.equal(1);
      expect(run.err.join('\n')).to.contain('Brug pg_dump');
    });
  }
});
