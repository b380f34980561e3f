/** tart-router's configuration file for the end-to-end fleet test. */
import { writeFileSync } from "node:fs";
import { stringify } from "yaml";

export interface RouterHost {
  readonly hostname: string;
  readonly url: string;
  readonly priority: number;
}

export function writeRouterConfig(
  file: string,
  settings: {
    port: number;
    webhookSecret: string;
    executorToken: string;
    stateDirectory: string;
    hosts: readonly RouterHost[];
  },
): string {
  writeFileSync(
    file,
    stringify({
      hostname: "router-1",
      labels: "tartelet",
      host: "127.0.0.1",
      port: settings.port,
      webhookSecret: settings.webhookSecret,
      executorToken: settings.executorToken,
      stateDirectory: settings.stateDirectory,
      statusIntervalSeconds: 1,
      forwardTimeoutSeconds: 2,
      hostBackoff: { initialSeconds: 0.5, maxSeconds: 1 },
      logging: { level: "debug" },
      hosts: settings.hosts,
    }),
  );
  return file;
}
