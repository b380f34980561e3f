/** A stream that writes every chunk to several destinations (stdout and the log shipper). */
import { Writable } from "node:stream";

export function teeStream(...destinations: NodeJS.WritableStream[]): Writable {
  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      for (const destination of destinations) destination.write(chunk);
      done();
    },
  });
}
