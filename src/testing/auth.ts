/**
 * The fake's key check, for the API and for storage alike: no key is "missing", a key other than
 * the one the server was started with (its `apiKey` option) is "invalid". Either is a 401.
 */
export function refuseKey(
  headers: Record<string, string>,
  accepted: string | undefined,
): Response | undefined {
  const key = headers['x-api-key'];
  if (!key) return Response.json({ error: 'Missing Authorization or x-api-key in header' }, { status: 401 });
  if (accepted !== undefined && key !== accepted) {
    // Never echo the key: a test's logs should not hold it either.
    return Response.json(
      { error: 'Invalid API key: the x-api-key header holds a key this server does not accept' },
      { status: 401 },
    );
  }
  return undefined;
}
