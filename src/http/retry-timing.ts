// When the server asks us to wait: `Retry-After` (RFC 9110) and Segmind's `x-rate-limit-reset-at-utc`.
// Pure functions of the headers and the current time, used by the retry policy and the 429 pause.
import type { ResponseHeaders } from '../errors.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
// The three HTTP-date forms of RFC 9110 §5.6.7: IMF-fixdate, the obsolete RFC 850 form and asctime.
const IMF_FIXDATE =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const RFC850_DATE =
  /^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\d{2})-([A-Z][a-z]{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const ASCTIME_DATE =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;

/** An RFC 9110 HTTP date as ms since the epoch; `undefined` for anything else. */
export function parseHttpDate(value: string, now: number): number | undefined {
  let parts: [string, string, string, string, string, string] | undefined;
  const imf = IMF_FIXDATE.exec(value);
  const rfc850 = imf ? null : RFC850_DATE.exec(value);
  const asctime = imf || rfc850 ? null : ASCTIME_DATE.exec(value);
  if (imf) parts = [imf[3]!, imf[2]!, imf[1]!, imf[4]!, imf[5]!, imf[6]!];
  else if (rfc850) {
    // Two-digit years: RFC 9110 reads one more than 50 years ahead as the past century.
    const thisYear = new Date(now).getUTCFullYear();
    let year = Math.floor(thisYear / 100) * 100 + Number(rfc850[3]);
    if (year > thisYear + 50) year -= 100;
    parts = [String(year), rfc850[2]!, rfc850[1]!, rfc850[4]!, rfc850[5]!, rfc850[6]!];
  } else if (asctime) {
    parts = [asctime[6]!, asctime[1]!, asctime[2]!.trim(), asctime[3]!, asctime[4]!, asctime[5]!];
  }
  if (!parts) return undefined;
  const [year, month, day, hour, minute, second] = parts;
  const monthIndex = MONTHS.indexOf(month);
  const [d, h, min, sec] = [Number(day), Number(hour), Number(minute), Number(second)];
  if (monthIndex < 0 || d < 1 || d > 31 || h > 23 || min > 59 || sec > 60) return undefined;
  const at = Date.UTC(Number(year), monthIndex, d, h, min, Math.min(sec, 59));
  // Reject dates that do not exist (31 Feb rolls over into March).
  return new Date(at).getUTCDate() === d ? at : undefined;
}

/**
 * How long the server asked us to wait, in ms: `Retry-After` first (a non-negative integer of
 * seconds, or an HTTP date as RFC 9110 defines it; anything else is ignored), then
 * `x-rate-limit-reset-at-utc` (an ISO date, or epoch seconds or ms). `undefined` when neither parses.
 */
export function retryAfterMs(headers: ResponseHeaders, now: number): number | undefined {
  const retryAfter = headers['retry-after']?.trim();
  if (retryAfter) {
    if (/^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000;
    const at = parseHttpDate(retryAfter, now);
    if (at !== undefined) return Math.max(0, at - now);
  }
  const resetAt = headers['x-rate-limit-reset-at-utc']?.trim();
  if (resetAt) {
    let at: number;
    if (/^\d+(\.\d+)?$/.test(resetAt)) {
      const n = Number(resetAt);
      at = n > 1e12 ? n : n * 1000;
    } else if (/^\d{4}-\d{2}-\d{2}/.test(resetAt)) {
      // A bare ISO time without a zone is UTC here, as the header's name says (never local time).
      const iso = resetAt.replace(/^(\d{4}-\d{2}-\d{2}) /, '$1T');
      at = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) || !iso.includes('T') ? iso : `${iso}Z`);
    } else at = parseHttpDate(resetAt, now) ?? Number.NaN;
    if (!Number.isNaN(at)) return Math.max(0, Math.round(at - now));
  }
  return undefined;
}
