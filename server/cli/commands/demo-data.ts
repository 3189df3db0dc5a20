import { migrate } from '../../db/connect';
import { demoMunicipalities, insertDemoCourses, STARTUP_YEARS } from '../../demo/startup';
import { CliCommand, CliFailure, parseOptions, UsageError, wantsHelp } from '../command';

const USAGE = `Brug: npm run cli -- demo-data --courses N [--municipalities midt|all] [--years Y] [--seed S]

Opretter N syntetiske forløb (demopatienter, CPR-numre der fejler modulus 11) over de Y år til og med i år.
  --courses         antal forløb, 1–1 000 000
  --municipalities  midt: Region Midtjyllands 19 kommuner (standard); all: alle 98 kommuner
  --years           antal år, 1–16 (standard ${STARTUP_YEARS})
  --seed            startværdi for den tilfældige generator (standard: tilfældig)
Aldrig i produktion.`;

function positiveInt(name: string, raw: unknown, max: number, fallback?: number): number {
  if (raw === undefined && fallback !== undefined) return fallback;
  const s = String(raw ?? '');
  if (!/^\d+$/.test(s) || Number(s) < 1 || Number(s) > max) throw new UsageError(`--${name} skal være et helt tal fra 1 til ${max}.`);
  return Number(s);
}

/** A one-line progress bar on stderr, redrawn with \r. */
function progressBar(write: (s: string) => void): (done: number, total: number) => void {
  return (done, total) => {
    const width = 30;
    const filled = Math.round((done / Math.max(total, 1)) * width);
    write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done} / ${total} forløb`);
  };
}

const command: CliCommand = {
  name: 'demo-data',
  summary: 'demo-data --courses N [--municipalities midt|all] [--years Y]: syntetiske forløb med statuslinje',
  usage: USAGE,
  async run(args, ctx) {
    if (wantsHelp(args)) return ctx.out(USAGE);
    const { values } = parseOptions(args, {
      courses: { type: 'string' }, municipalities: { type: 'string' }, years: { type: 'string' }, seed: { type: 'string' },
    }, ['courses']);
    const count = positiveInt('courses', values.courses, 1_000_000);
    const years = positiveInt('years', values.years, 16, STARTUP_YEARS);
    const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : positiveInt('seed', values.seed, 2 ** 31);
    const which = values.municipalities ?? 'midt';
    if (which !== 'midt' && which !== 'all') throw new UsageError('--municipalities skal være midt eller all.');
    if (ctx.config.production) throw new CliFailure('Demodata oprettes aldrig i produktion.');

    const db = ctx.db();
    await migrate(db);
    const started = Date.now();
    const municipalityCodes = await demoMunicipalities(db, which);
    const { inserted, patients } = await insertDemoCourses(db, ctx.config.cprKey, {
      count, municipalityCodes, years, seed, onProgress: progressBar((s) => process.stderr.write(s)),
    });
    process.stderr.write('\n');
    const seconds = (Date.now() - started) / 1000;
    ctx.out(`${inserted} forløb og ${patients} demopatienter oprettet i ${municipalityCodes.length} kommuner `
      + `på ${seconds.toFixed(1)} s (${Math.round(inserted / Math.max(seconds, 0.001))} forløb/s; seed ${seed}).`);
    if (inserted < count) ctx.out(`${count - inserted} forløb sprunget over: deres CPR-nummer fandtes allerede i kommunen.`);
  },
};
export default command;
