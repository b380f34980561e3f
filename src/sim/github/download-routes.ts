/** Serves the runner tarballs the downloads list points at (no auth, like release assets). */
import type { FastifyInstance } from "fastify";
import { notFound } from "./github-error.js";
import type { World } from "./world.js";

export function registerDownloadRoutes(app: FastifyInstance, world: World): void {
  app.get<{ Params: { filename: string } }>("/_sim/downloads/:filename", async (request, reply) => {
    if (!world.downloads.serves(request.params.filename)) throw notFound();
    const tarball = await world.downloads.tarball();
    if (tarball === undefined) throw notFound();
    return reply
      .header("content-type", "application/octet-stream")
      .header("content-disposition", `attachment; filename=${request.params.filename}`)
      .send(tarball.bytes);
  });
}
