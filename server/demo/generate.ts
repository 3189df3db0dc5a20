import { ageOn } from '../patients';
import { type CourseValues } from '../courses';
import { addDays, daysBetween } from '../time';
import { INHABITANTS_THOUSANDS } from './municipality-sizes';
import { FEMALE_FIRST_NAMES, MALE_FIRST_NAMES, MIDDLE_NAMES, SURNAMES } from './names';

export interface DemoOptions {
  count: number;
  municipalityCodes: readonly string[];
  /** The years up to and including today's. */
  years: number;
  /** YYYY-MM-DD: nothing is dated after it. */
  today: string;
  seed: number;
  /**
   * The municipality whose physical training slips in its last months (default Aarhus, 751), so the early
   * warning (indicators.md "Early warning") has something to show right after `npm start`; null for none.
   */
  slipping?: string | null;
}

/** Courses started this many days before today or later in the slipping municipality attend less training. */
export const SLIP_DAYS = 270;

export interface DemoCourse {
  cpr: string;
  patient_name: string;
  values: CourseValues;
}

/** mulberry32: a small, fast, seeded generator of numbers in [0, 1); the same seed gives the same sequence. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const EPOCH = '1970-01-01';
const isoCache = new Map<number, string>();
/** ISO date of a day number (days since 1970-01-01), cached: a few thousand distinct days serve 200 000 courses. */
function iso(day: number): string {
  const d = Math.floor(day);
  let s = isoCache.get(d);
  if (s === undefined) { s = addDays(EPOCH, d); isoCache.set(d, s); }
  return s;
}
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const round1 = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;
const MOD11_WEIGHTS = [4, 3, 2, 7, 6, 5, 4, 3, 2, 1];

class Random {
  constructor(readonly next: Rng) {}
  chance(p: number): boolean { return this.next() < p; }
  int(lo: number, hi: number): number { return lo + Math.floor(this.next() * (hi - lo + 1)); }
  pick<T>(xs: readonly T[]): T { return xs[Math.floor(this.next() * xs.length)]; }
  normal(mean: number, sd: number): number {
    const u = 1 - this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
  /** One of the keys, by weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const entries = Object.entries(weights) as [K, number][];
    let x = this.next() * entries.reduce((s, [, w]) => s + w, 0);
    for (const [k, w] of entries) if ((x -= w) < 0) return k;
    return entries[entries.length - 1][0];
  }
}

/** The modulus-11 check demo numbers must fail (a real number passes it, except some issued since 2007). */
export function passesModulus11(cpr: string): boolean {
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += Number(cpr[i]) * MOD11_WEIGHTS[i];
  return sum % 11 === 0;
}

/** A CPR number for a birth date and sex that satisfies the dictionary's century table but fails modulus 11. */
function demoCpr(r: Random, born: string, male: boolean): string {
  const [y, m, d] = [born.slice(0, 4), born.slice(5, 7), born.slice(8, 10)];
  // 1900s: digit 7 = 0–3; 2000s (YY ≤ 36 here): digit 7 = 4.
  const digit7 = y < '2000' ? r.int(0, 3) : 4;
  const last = r.int(0, 4) * 2 + (male ? 1 : 0);
  const digits = `${d}${m}${y.slice(2)}${digit7}${r.int(0, 99).toString().padStart(2, '0')}${last}`;
  if (!passesModulus11(digits)) return digits;
  // Changing digit 9 (weight 2) by one changes the sum by 2 mod 11, so the check then fails.
  return digits.slice(0, 8) + ((Number(digits[8]) + 1) % 10) + digits[9];
}

function demoName(r: Random, male: boolean): string {
  const first = r.pick(male ? MALE_FIRST_NAMES : FEMALE_FIRST_NAMES);
  const middle = r.chance(0.2) ? ' ' + r.pick(MIDDLE_NAMES) : '';
  return `${first}${middle} ${r.pick(SURNAMES)}`;
}

interface Patient { cpr: string; name: string; male: boolean; born: string; municipality: string }

/**
 * The values of one course referred on `referral` (a day number), as far as it has come by `today`.
 * `q` in [-1, 1] is the municipality's quality: better ones start more, lose fewer and register more.
 */
function course(r: Random, p: Patient, referral: number, today: number, q: number, slipping = false): CourseValues {
  const v: CourseValues = { cpr: p.cpr, patient_name: p.name, municipality_code: p.municipality, referral_date: iso(referral) };
  const diagnosis = r.weighted({ ihd: 60, heart_failure: 15, valve: 10, arrhythmia: 10, other: 5 });
  v.diagnosis_group = diagnosis;
  // Each variable is left out now and then; scaled so that about 8 in 10 closed courses end complete, as in a
  // database whose users work a worklist (HK11), with the better municipalities registering more.
  const missing = (p0: number) => r.chance(Math.max(0.002, 0.35 * (p0 - 0.025 * q)));
  if (!missing(0.03)) v.referral_source = r.weighted({ hospital: 80, gp: 15, other: 5 });
  if (diagnosis === 'ihd' && !missing(0.04)) v.ihd_treatment = r.weighted({ pci: 60, cabg: 15, medical: 25 });
  const icdStem = { ihd: r.pick(['DI21', 'DI25', 'DI20']), heart_failure: 'DI50', valve: 'DI35', arrhythmia: 'DI48', other: 'DI42' }[diagnosis];
  if (r.chance(0.8)) v.icd10 = icdStem + r.int(0, 9);
  if (v.referral_source === 'hospital' && r.chance(0.85)) {
    v.discharge_date = iso(Math.max(referral - r.int(0, 14), daysBetween(EPOCH, '2010-01-01')));
  }

  const waited = referral + Math.round(clamp(r.normal(21 - 6 * q, 8), 3, 70));
  if (r.chance(0.19 - 0.06 * q)) {
    if (today - referral > 14 || r.chance(0.3)) v.not_started_reason = r.weighted({ declined: 45, not_reached: 20, died: 5, moved: 5, hospital_rehab: 15, other: 10 });
    return v;
  }
  if (waited > today) return v; // still referred
  const start = waited;
  v.start_date = iso(start);

  const smoking = r.weighted({ daily: 16, occasional: 4, former: 40, never: 40 });
  if (!missing(0.03)) v.smoking_start = smoking;
  const height = Math.round(clamp(r.normal(p.male ? 178 : 165, 7), 145, 205));
  if (!missing(0.1)) v.height_cm = height;
  const weight = round1(clamp(r.normal(27.5, 4.5) * (height / 100) ** 2, 40, 200));
  if (!missing(0.06)) v.weight_start_kg = weight;
  const waist = Math.round(clamp(r.normal(p.male ? 102 : 92, 12), 60, 180));
  if (!missing(0.15)) v.waist_start_cm = waist;
  const sys = Math.round(clamp(r.normal(136, 17), 95, 220));
  const dia = Math.round(clamp(r.normal(80, 10), 50, Math.min(120, sys - 15)));
  if (!missing(0.05)) { v.bp_sys_start = sys; v.bp_dia_start = dia; }
  const ldl = round1(clamp(r.normal(2.5, 0.9), 0.5, 8));
  if (!missing(0.2)) v.ldl_start = ldl;
  const hadsA = Math.round(clamp(Math.abs(r.normal(0, 6)), 0, 21));
  const hadsD = Math.round(clamp(Math.abs(r.normal(0, 5)), 0, 21));
  if (!missing(0.05)) { v.hads_a_start = hadsA; v.hads_d_start = hadsD; }
  const qol = round2(clamp(r.normal(2.1, 0.5), 0.2, 3));
  if (!missing(0.15)) v.heartqol_start = qol;
  const testType = r.weighted({ '6mwt': 70, watt: 20, none: 10 });
  if (!missing(0.03)) v.test_type = testType;
  const testStart = testType === '6mwt' ? Math.round(clamp(r.normal(430, 100), 60, 800)) : Math.round(clamp(r.normal(105, 35), 20, 300));
  if (v.test_type === 'none') { if (!missing(0.05)) v.test_not_done_reason = r.weighted({ medical: 50, declined: 35, other: 15 }); }
  else if (v.test_type && !missing(0.04)) v.test_start_value = testStart;

  const dropout = r.chance(0.15 - 0.07 * q);
  const planned = r.weighted({ 24: 70, 16: 10, 20: 10, 30: 10 });
  if (!missing(0.03)) v.training_planned = Number(planned);
  // The slipping municipality's recent courses attend less of their training (HK04 falls); same draws as others.
  const slip = slipping && start >= today - SLIP_DAYS;
  const share = dropout ? r.next() * 0.5 : clamp(r.normal(slip ? 0.62 : 0.8 + 0.08 * q, 0.15), 0.2, 1);
  if (v.training_planned !== undefined && !missing(0.03)) v.training_attended = Math.round(Number(planned) * share);
  if (!missing(0.03)) v.education = r.weighted({ completed: 65 + 10 * q, partial: 15, declined: 10, not_offered: 10 - 5 * q });
  if (!missing(0.04)) v.diet = r.weighted({ received: 45 + 10 * q, declined: 15, not_indicated: 28, not_offered: 12 - 5 * q });
  if ((smoking === 'daily' || smoking === 'occasional') && v.smoking_start && !missing(0.05)) {
    v.smoking_cessation = r.weighted({ completed: 40 + 10 * q, started: 20, declined: 30, not_offered: 10 - 5 * q });
  }
  if (v.hads_a_start !== undefined && (hadsA >= 8 || hadsD >= 8) && !missing(0.06)) {
    v.psych_followup = r.weighted({ referred_gp: 40, in_course: 40, declined: 10, none: 10 });
  }

  const length = dropout ? r.int(14, 70) : r.chance(0.01) ? r.int(183, 230) : Math.round(clamp(r.normal(88, 10), 60, 150));
  if (start + length > today) return v; // still active
  v.end_date = iso(start + length);
  const outcome = dropout ? 'dropped_out' : r.weighted({ completed: 96, died: 2, moved: 2 });
  if (!missing(0.02)) v.outcome = outcome;
  if (!missing(0.05)) v.gp_note_sent = r.chance(0.85 + 0.05 * q) ? 'yes' : 'no';
  if (v.outcome === 'dropped_out' && !missing(0.05)) v.dropout_reason = r.weighted({ own_wish: 40, illness: 35, work: 15, other: 10 });
  if (v.outcome !== 'completed') return v;

  const quits = r.chance(0.4 + 0.1 * q);
  const smokingEnd = smoking === 'daily' || smoking === 'occasional' ? (quits ? 'former' : smoking)
    : smoking === 'former' ? (r.chance(0.95) ? 'former' : 'occasional') : 'never';
  if (v.smoking_start && !missing(0.04)) v.smoking_end = smokingEnd;
  if (v.weight_start_kg !== undefined && !missing(0.08)) v.weight_end_kg = round1(clamp(weight + r.normal(-1.5, 2.5), 30, 300));
  if (v.waist_start_cm !== undefined && !missing(0.1)) v.waist_end_cm = Math.round(clamp(waist + r.normal(-2, 3), 40, 200));
  if (v.bp_sys_start !== undefined && !missing(0.08)) {
    const s = Math.round(clamp(sys + r.normal(-5, 10), 95, 220));
    v.bp_sys_end = s;
    v.bp_dia_end = Math.round(clamp(dia + r.normal(-2, 6), 50, Math.min(120, s - 15)));
  }
  if (v.ldl_start !== undefined && !missing(0.2)) v.ldl_end = round1(clamp(ldl + r.normal(-0.4, 0.4), 0.3, 8));
  if (!missing(0.06)) {
    v.hads_a_end = Math.round(clamp(hadsA + r.normal(-1.5, 2), 0, 21));
    v.hads_d_end = Math.round(clamp(hadsD + r.normal(-1.5, 2), 0, 21));
  }
  if (v.heartqol_start !== undefined && !missing(0.15)) v.heartqol_end = round2(clamp(qol + r.normal(0.3, 0.3), 0, 3));
  if (v.test_start_value !== undefined && !missing(0.06)) {
    v.test_end_value = testType === '6mwt' ? Math.round(clamp(testStart + r.normal(45 + 10 * q, 40), 0, 1000))
      : Math.round(clamp(testStart + r.normal(15 + 4 * q, 12), 0, 600));
  }
  return v;
}

/**
 * Synthetic, realistic courses: deterministic per seed, each valid under validateCourse, one patient's courses
 * never overlapping (about 5 % of patients get a second course after the first closed). CPR numbers pass the
 * dictionary's rule (age 18–110, mostly 45–85) but fail modulus 11.
 */
export function* generateDemoCourses(opts: DemoOptions): Generator<DemoCourse> {
  const r = new Random(mulberry32(opts.seed));
  const today = daysBetween(EPOCH, opts.today);
  const first = Math.max(daysBetween(EPOCH, `${Number(opts.today.slice(0, 4)) - opts.years + 1}-01-01`), daysBetween(EPOCH, '2010-01-01'));
  const codes = opts.municipalityCodes;
  // Per municipality: a size (share of courses: its inhabitants, else a typical 12 000–120 000) and a quality
  // factor, a few clearly better or worse.
  const size = codes.map((c) => INHABITANTS_THOUSANDS[c] ?? 12 + r.next() * 108);
  const quality = codes.map((_, i) => (i % 7 === 1 ? 0.85 : i % 7 === 4 ? -0.85 : clamp(r.normal(0, 0.3), -0.6, 0.6)));
  const total = size.reduce((s, x) => s + x, 0);
  const cprs = new Set<string>();
  let emitted = 0;
  while (emitted < opts.count && codes.length > 0) {
    let x = r.next() * total;
    let m = 0;
    while ((x -= size[m]) >= 0 && m < codes.length - 1) m++;
    const referral = r.int(first, today);
    const male = r.chance(0.7);
    const age = Math.round(r.chance(0.03) ? r.int(19, 44) : clamp(r.normal(67, 10), 45, 92));
    const born = iso(referral - age * 365.25 - r.int(0, 360));
    const referralIso = iso(referral);
    if (ageOn(born, referralIso) < 18 || ageOn(born, referralIso) > 110) continue;
    const cpr = demoCpr(r, born, male);
    if (cprs.has(cpr)) continue;
    cprs.add(cpr);
    const patient: Patient = { cpr, name: demoName(r, male), male, born, municipality: codes[m] };
    const slipping = codes[m] === (opts.slipping === undefined ? '751' : opts.slipping);
    const values = course(r, patient, referral, today, quality[m], slipping);
    yield { cpr, patient_name: patient.name, values };
    emitted++;
    if (emitted < opts.count && typeof values.end_date === 'string' && r.chance(0.05)) {
      const again = daysBetween(EPOCH, values.end_date) + r.int(30, 400);
      if (again <= today) {
        yield { cpr, patient_name: patient.name, values: course(r, patient, again, today, quality[m], slipping) };
        emitted++;
      }
    }
  }
}
