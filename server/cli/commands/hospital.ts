import { Invalid, NotFound } from '../../http/errors';
import {
  addHospital, deactivateHospital, hospitals, recodeHospital, setHospital, type SorStatus,
} from '../../geography';
import { CLI_ACTOR, CliFailure, parseOptions, UsageError, wantsHelp, type CliCommand } from '../command';

const USAGE = `Brug: npm run cli -- hospital list
       npm run cli -- hospital add --sor S --name N --region R [--cluster C] [--status X] [--source T]
       npm run cli -- hospital set --sor S [--name N] [--status X] [--source T]
       npm run cli -- hospital deactivate --sor S
       npm run cli -- hospital recode --from S --to S2

  Vedligehold hospitalsafdelingerne (pathway.md §1). --status: confirmed, unconfirmed eller placeholder
  (add: placeholder for en P-kode, ellers unconfirmed). recode erstatter koden i afdelinger, henvisninger,
  forløbenes referral_sor, SOR-listen og brugernes område i én transaktion. Handlingerne logges med aktør cli.`;

function failure(e: unknown): never {
  if (e instanceof Invalid) throw new CliFailure(Object.entries(e.fields).map(([f, k]) => `--${f}: ugyldig (${k})`).join('\n'));
  if (e instanceof NotFound) throw new CliFailure('Afdelingen findes ikke.');
  throw e;
}

const command: CliCommand = {
  name: 'hospital',
  summary: 'hospital list|add|set|deactivate|recode: vedligehold hospitalsafdelinger (pathway.md)',
  usage: USAGE,
  async run(args, ctx) {
    if (wantsHelp(args)) return ctx.out(USAGE);
    const db = ctx.db();
    const s = { type: 'string' } as const;
    try {
      switch (args[0]) {
        case 'list':
          parseOptions(args.slice(1), {});
          for (const h of await hospitals(db)) {
            ctx.out([h.sor_code, h.name, h.region_code, h.cluster_code ?? '', h.sor_status, h.active ? 'active' : 'inactive'].join(';'));
          }
          return;
        case 'add': {
          const { values: v } = parseOptions(args.slice(1), { sor: s, name: s, region: s, cluster: s, status: s, source: s }, ['sor', 'name', 'region']);
          const h = await addHospital(db, CLI_ACTOR, { sor_code: String(v.sor), name: String(v.name), region_code: String(v.region),
            cluster_code: v.cluster as string | undefined, sor_status: v.status as SorStatus | undefined, source: v.source as string | undefined });
          return ctx.out(`Afdeling ${h.sor_code} tilføjet (${h.sor_status}).`);
        }
        case 'set': {
          const { values: v } = parseOptions(args.slice(1), { sor: s, name: s, status: s, source: s }, ['sor']);
          await setHospital(db, CLI_ACTOR, String(v.sor), { name: v.name as string | undefined, sor_status: v.status as SorStatus | undefined, source: v.source as string | undefined });
          return ctx.out(`Afdeling ${v.sor} gemt.`);
        }
        case 'deactivate': {
          const { values: v } = parseOptions(args.slice(1), { sor: s }, ['sor']);
          await deactivateHospital(db, CLI_ACTOR, String(v.sor));
          return ctx.out(`Afdeling ${v.sor} deaktiveret.`);
        }
        case 'recode': {
          const { values: v } = parseOptions(args.slice(1), { from: s, to: s }, ['from', 'to']);
          const n = await recodeHospital(db, CLI_ACTOR, String(v.from), String(v.to));
          return ctx.out(`Afdeling ${v.from} omkodet til ${v.to}: ${n.referrals} henvisninger, ${n.users} brugere.`);
        }
        default:
          throw new UsageError(USAGE.split('\n')[0]);
      }
    } catch (e) {
      if (e instanceof UsageError || e instanceof CliFailure) throw e;
      failure(e);
    }
  },
};
export default command;
