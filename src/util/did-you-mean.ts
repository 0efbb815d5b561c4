const normalize = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * The known name a mistyped one most likely meant: the same name in another case or separator
 * style; a name it is the first word(s) of (`sampler` → `sampler_name`); the nearest by edit
 * distance (at most 2, or a third of the name's length for long names: `flux-1.1-pro-ulta` →
 * `flux-1.1-pro-ultra`); else a name that is a prefix of it, or it of the name.
 */
export function closest(key: string, known: readonly string[]): string | undefined {
  const k = normalize(key);
  if (!k) return undefined;
  const same = known.find((name) => normalize(name) === k);
  if (same) return same;
  const lower = key.toLowerCase();
  const firstWords = known
    .filter((name) => name.toLowerCase().startsWith(lower) && /[-_.]/.test(name.charAt(key.length)))
    .sort((a, b) => a.length - b.length);
  if (firstWords[0]) return firstWords[0];
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(k.length / 3)) + 1;
  for (const name of known) {
    const d = editDistance(k, normalize(name));
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  if (best) return best;
  const prefixed = known
    .filter((name) => k.length >= 3 && (normalize(name).startsWith(k) || k.startsWith(normalize(name))))
    .sort((a, b) => Math.abs(a.length - key.length) - Math.abs(b.length - key.length));
  return prefixed[0];
}

/** Levenshtein distance: insertions, deletions and substitutions each cost 1. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
    }
    prev = row;
  }
  return prev[b.length]!;
}
