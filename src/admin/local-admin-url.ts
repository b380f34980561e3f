/** The URL to reach a daemon bound to `host:port` from the same Mac (0.0.0.0 and :: mean loopback). */
export function localAdminUrl(host: string, port: number): string {
  const bare = host.replace(/^\[(.*)\]$/, "$1");
  if (bare === "0.0.0.0" || bare === "" || bare === "localhost") return `http://127.0.0.1:${port}`;
  if (bare === "::") return `http://[::1]:${port}`;
  return bare.includes(":") ? `http://[${bare}]:${port}` : `http://${bare}:${port}`;
}
