import { recomputeDerived } from '../../courses';
import { CLI_ACTOR, parseOptions, UsageError, wantsHelp, type CliCommand } from '../command';

const USAGE = `Brug: npm run cli -- recompute-derived [--batch N] [--dry-run]

  Beregn de gemte afledte felter (state, complete, missing) for alle forløb igen ud fra deres værdier, som en
  gemning gør (fx efter en ændring af datadefinitionens regler). Læser forløbene i portioner på N (standard 1000)
  i id-orden og retter kun dem, der afviger; forløbenes version ændres ikke. --dry-run tæller kun.`;

const command: CliCommand = {
  name: 'recompute-derived',
  summary: 'recompute-derived [--batch N] [--dry-run]: forløbenes state/complete/missing beregnet igen',
  usage: USAGE,
  async run(args, ctx) {
    if (wantsHelp(args)) return ctx.out(USAGE);
    const { values: v } = parseOptions(args, { batch: { type: 'string' }, 'dry-run': { type: 'boolean' } });
    const batch = v.batch === undefined ? 1000 : Number(v.batch);
    if (!Number.isInteger(batch) || batch < 1 || batch > 100_000) throw new UsageError('--batch: et helt tal fra 1 til 100000.');
    const dryRun = v['dry-run'] === true;
    const r = await recomputeDerived(ctx.db(), CLI_ACTOR, { batchSize: batch, dryRun });
    ctx.out(`${r.courses} forløb gennemgået; ${r.changed} ${dryRun ? 'ville blive rettet' : 'rettet'}`
      + (r.skipped ? `; ${r.skipped} gemt imens (sprunget over)` : '') + '.');
  },
};
export default command;
