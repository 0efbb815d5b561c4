/** Longest excerpt of a server body kept on an error or printed in a log line. */
export const MAX_DETAIL_LENGTH = 500;

/** What replaces a secret. */
export const REDACTED = '[redacted]';

const KEY_PATTERN = /SG_[0-9a-fA-F]{8,}/g;
const BASE64_RUN = /[A-Za-z0-9+/]{120,}={0,2}/g;

/**
 * Below this length a secret is removed only where it stands as a token of its own (not inside a
 * longer run of letters, digits, `_` or `-`): removing every `k` of a one-letter test key from
 * "Check your dashboard" would make every message unreadable, while an echoed key (`key: k`,
 * `"k"`, a header holding just the key) is still caught.
 */
const SHORT_SECRET = 4;

// Keys of the live clients. Every SegmindError scrubs them from what it carries, so an error built
// anywhere (the error factory, a job's answer check, a decoder) never holds a key: one rule in one
// place rather than a secret threaded through every call site. Counted per key, dropped when the
// client that registered it is garbage-collected.
const liveSecrets = new Map<string, number>();
const matchers = new Map<string, { forms: string[]; re: RegExp }>();
const release =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry<string>((secret) => forget(secret))
    : undefined;

function forget(secret: string): void {
  const count = (liveSecrets.get(secret) ?? 1) - 1;
  if (count > 0) liveSecrets.set(secret, count);
  else {
    liveSecrets.delete(secret);
    matchers.delete(secret);
  }
}

/** Makes every error scrub `secret` for as long as `owner` (a client's options) is alive. */
export function registerSecret(owner: object, secret: string): void {
  if (!secret) return;
  liveSecrets.set(secret, (liveSecrets.get(secret) ?? 0) + 1);
  release?.register(owner, secret);
}

/**
 * The forms a key can take in text the server echoes: as is, and escaped inside a JSON string
 * (`"` → `\"`, `\` → `\\`, and `/` → `\/`, which some encoders add). A key is visible ASCII, so
 * no other escape applies.
 */
function formsOf(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  return [...new Set([secret, json, json.replaceAll('/', '\\/')])].sort((a, b) => b.length - a.length);
}

function matcherFor(secret: string): { forms: string[]; re: RegExp } {
  let matcher = matchers.get(secret);
  if (!matcher) {
    const forms = formsOf(secret);
    const any = forms.map((form) => form.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
    const re = new RegExp(secret.length < SHORT_SECRET ? `(?<![\\w-])(?:${any})(?![\\w-])` : any, 'g');
    matcher = { forms, re };
    matchers.set(secret, matcher);
  }
  return matcher;
}

// A cheap test before the regex: most text holds no key in any form.
function scrub(text: string, secret: string): string {
  const { forms, re } = matcherFor(secret);
  return forms.some((form) => text.includes(form)) ? text.replace(re, REDACTED) : text;
}

/** Removes `secret` (when given) and every live client's key, raw or JSON-escaped, from `text`. */
export function removeSecrets(text: string, secret?: string): string {
  let out = secret ? scrub(text, secret) : text;
  for (const live of liveSecrets.keys()) if (live !== secret) out = scrub(out, live);
  return out;
}

/**
 * Removes anything that looks like a Segmind key (and the client's own key, whatever its shape and
 * length), shortens long base64 runs and bounds the length, so server text is safe to show and log.
 */
export function redact(text: string, secret?: string, max = MAX_DETAIL_LENGTH): string {
  let out = removeSecrets(text, secret);
  out = out.replace(KEY_PATTERN, 'SG_[redacted]');
  out = out.replace(BASE64_RUN, (run) => `${run.slice(0, 24)}…[${run.length} base64 chars]`);
  return out.length > max ? `${out.slice(0, max)}…` : out;
}

/**
 * A copy of `value` (a parsed JSON body, a headers record) with every secret removed from its
 * strings, keys included; `value` itself when there was nothing to remove.
 */
export function scrubValue<T>(value: T, secret?: string): T {
  if (typeof value === 'string') return removeSecrets(value, secret) as T;
  if (typeof value !== 'object' || value === null) return value;
  let changed = false;
  const walk = (v: unknown): unknown => {
    const out = scrubValue(v, secret);
    if (out !== v) changed = true;
    return out;
  };
  if (Array.isArray(value)) {
    const copy = value.map(walk);
    return (changed ? copy : value) as T;
  }
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) copy[walk(k) as string] = walk(v);
  return (changed ? copy : value) as T;
}

/** Turns an HTML error page into its title or its visible text, so `detail` reads like a message. */
export function excerpt(body: string, contentType: string | undefined): string {
  const looksHtml = contentType?.includes('html') || /^\s*</.test(body);
  if (!looksHtml) return body.trim();
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(body)?.[1]?.trim();
  const text = body
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (title && text.startsWith(title)) return text;
  return title ? `${title}: ${text}` : text;
}
