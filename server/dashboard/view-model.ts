import { formatDecimal } from '../http/view-helpers';
import { Lang, t } from '../i18n';
import { IndicatorResult } from '../indicators/results';
import { formatDateTimeDanish } from '../time';

/** How a result stands against its standard, for the mark shown in colour and in words. */
export type Status = 'met' | 'not_met' | 'few_data';

export function statusOf(r: IndicatorResult): Status {
  if (r.few_data) return 'few_data';
  return r.standard_met ? 'met' : 'not_met';
}

/** missing ÷ (denominator + missing); null when that is 0 or the counts are hidden. */
export function missingShare(r: IndicatorResult): number | null {
  if (r.missing === null || r.denominator === null) return null;
  const all = r.denominator + r.missing;
  return all > 0 ? r.missing / all : null;
}

/** 0.8123 → "81,2 %" (Danish) / "81.2 %"; '' for null. */
export function percentText(value: number | null, lang: Lang, decimals = 1): string {
  return value === null ? '' : `${formatDecimal(value * 100, decimals, lang)} %`;
}

/** ">=0.80" → "≥ 80 %". */
export function standardText(standard: string, lang: Lang): string {
  const m = /^>=(\d(?:\.\d+)?)$/.exec(standard);
  return m ? `≥ ${formatDecimal(Math.round(Number(m[1]) * 10000) / 100, undefined, lang)} %` : standard;
}

export function rangeText(low: number | null, high: number | null, lang: Lang): string {
  return low === null || high === null ? '' : `${percentText(low, lang)} – ${percentText(high, lang)}`;
}

/** Everything a card or a table row shows of one result, already formatted for the UI language. */
export interface ResultView {
  row: IndicatorResult;
  status: Status;
  statusText: string;
  /** a result outside the scope whose numbers are hidden ("få data") */
  hidden: boolean;
  valueText: string;
  ciText: string;
  fractionText: string;
  standardText: string;
  missingText: string;
  missingBoundsText: string;
  computedAtText: string;
  /** positions (0–100) for the card's small SVG bar; null when hidden */
  gauge: Gauge | null;
}

export interface Gauge { ci: { x: number; width: number } | null; value: number | null; standard: number }

const at = (share: number): number => Math.round(share * 10000) / 100;

function gaugeOf(r: IndicatorResult): Gauge | null {
  const standard = /^>=(\d(?:\.\d+)?)$/.exec(r.standard);
  if (!standard || r.denominator === null) return null;
  return {
    ci: r.ci_low === null || r.ci_high === null ? null : { x: at(r.ci_low), width: Math.max(0.5, at(r.ci_high - r.ci_low)) },
    value: r.value === null ? null : Math.min(98, Math.max(0, at(r.value) - 1)),
    standard: Math.min(99.2, at(Number(standard[1]))),
  };
}

export function resultView(r: IndicatorResult, lang: Lang): ResultView {
  const status = statusOf(r);
  const hidden = r.few_data && r.denominator === null;
  const share = missingShare(r);
  return {
    row: r,
    status,
    statusText: t(lang, `indicators.pages.status.${status}`),
    hidden,
    valueText: hidden ? t(lang, 'indicators.few_data') : percentText(r.value, lang) || '–',
    ciText: rangeText(r.ci_low, r.ci_high, lang),
    fractionText: r.numerator === null || r.denominator === null ? ''
      : t(lang, 'indicators.pages.fraction', { numerator: r.numerator, denominator: r.denominator }),
    standardText: standardText(r.standard, lang),
    missingText: r.missing === null ? ''
      : share === null ? String(r.missing) : `${r.missing} (${percentText(share, lang)})`,
    missingBoundsText: rangeText(r.missing_low, r.missing_high, lang),
    computedAtText: formatDateTimeDanish(r.computed_at),
    gauge: gaugeOf(r),
  };
}
