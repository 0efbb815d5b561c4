import { modelSpec } from '../models/lookup.js';
import type { Endpoint } from '../models/registry/types.js';

const COMMAND_FOR: Record<Endpoint, string> = { v1: 'segmind sync (or batch --via sync)', v2: 'segmind run' };

/**
 * A warning when `model`'s registry entry does not list the endpoint a command is about to use
 * (`segmind run flux-2-klein-4b`: its page shows v1 only). Not a refusal: the entry records what
 * Segmind's page showed, which may be incomplete, so the request is still sent.
 */
export function endpointNote(model: string, endpoint: Endpoint): string | undefined {
  const spec = modelSpec(model);
  if (!spec || spec.endpoints.includes(endpoint)) return undefined;
  const other = spec.endpoints[0]!;
  const seen = spec.endpointsNote ? ` (${spec.endpointsNote.replace(/\.$/, '')})` : '';
  return `${model} is documented on ${spec.endpoints.join(' and ')} only${seen}; sending to ${endpoint} anyway. If the server refuses it, use ${COMMAND_FOR[other]}`;
}
