/**
 * The executor's one-shot HTTP calls to its neighbours (the router's nudge, the localUrl ping), as
 * a port: the daemon passes `fetchHttp` (the global fetch, bounded by a timeout); tests pass a
 * recording fake or point the real one at a loopback server.
 */
export type HttpPort = (
  url: string,
  request: { readonly method: "GET" | "POST"; readonly timeoutMs: number },
) => Promise<{ readonly status: number }>;

/** The real HttpPort: fetch, the body discarded. */
export const fetchHttp: HttpPort = async (url, request) => {
  const response = await fetch(url, {
    method: request.method,
    signal: AbortSignal.timeout(request.timeoutMs),
  });
  await response.body?.cancel();
  return { status: response.status };
};
