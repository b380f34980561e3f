/**
 * A loopback HTTP proxy in front of the fake GitHub that replaces the JSON body of chosen answers:
 * how doctor takes answers that GitHub's documentation does not promise (a field missing, a
 * different type). Everything else passes through unchanged.
 */
import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";

/** Given the request and the fake's parsed answer, a replacement body, or null to keep the answer. */
export type Rewrite = (method: string, path: string, body: unknown) => { readonly body: unknown } | null;

export interface RewritingProxy {
  /** The REST base URL to put in github.apiUrl. */
  readonly apiUrl: string;
  close(): Promise<void>;
}

export async function startRewritingProxy(targetUrl: string, rewrite: Rewrite): Promise<RewritingProxy> {
  const target = new URL(targetUrl);
  const server = createServer((req, res) => {
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host, "accept-encoding": "identity" },
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on("data", (chunk: Buffer) => chunks.push(chunk));
        answer.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = text;
          }
          const path = (req.url ?? "").split("?")[0] ?? "";
          const replaced = rewrite(req.method ?? "GET", path, parsed);
          const body = replaced === null ? text : JSON.stringify(replaced.body);
          const headers = { ...answer.headers };
          delete headers["content-length"];
          delete headers["transfer-encoding"];
          res.writeHead(answer.statusCode ?? 502, { ...headers, "content-length": Buffer.byteLength(body) });
          res.end(body);
        });
      },
    );
    upstream.on("error", (error) => {
      res.writeHead(502).end(error.message);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const targetApiPath = new URL(targetUrl).pathname.replace(/\/$/, "");
  return {
    apiUrl: `http://127.0.0.1:${port}${targetApiPath}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
