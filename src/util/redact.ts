/** Longest excerpt of a server body kept on an error or printed in a log line. */
export const MAX_DETAIL_LENGTH = 500;

const KEY_PATTERN = /SG_[0-9a-fA-F]{8,}/g;
const BASE64_RUN = /[A-Za-z0-9+/]{120,}={0,2}/g;

/**
 * Removes anything that looks like a Segmind key (and the client's own key, whatever its shape),
 * shortens long base64 runs and bounds the length, so server text is safe to show and to log.
 */
export function redact(text: string, secret?: string, max = MAX_DETAIL_LENGTH): string {
  let out = text;
  if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  out = out.replace(KEY_PATTERN, 'SG_[redacted]');
  out = out.replace(BASE64_RUN, (run) => `${run.slice(0, 24)}…[${run.length} base64 chars]`);
  return out.length > max ? `${out.slice(0, max)}…` : out;
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
