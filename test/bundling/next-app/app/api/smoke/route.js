// A route handler that uses the SDK, as a Next.js app's server code would.
import { checks } from '../../../checks.mjs';

export const dynamic = 'force-dynamic';

export async function GET() {
  return Response.json(await checks(process.env.SEGMIND_SMOKE_URL));
}
