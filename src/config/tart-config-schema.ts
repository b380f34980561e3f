import { z } from "zod";
import { nameText, portNumber, secretText } from "./common-schemas.js";
import { memoryMegabytes } from "./memory-megabytes.js";
import { rule } from "./rule.js";

export const PULL_POLICIES = ["always", "if-not-present", "never"] as const;
export type PullPolicy = (typeof PULL_POLICIES)[number];

/** How the daemon reaches a guest: tart exec through the guest agent, SSH, or auto (agent if it answers). */
export const GUEST_CHANNELS = ["auto", "agent", "ssh"] as const;
export type GuestChannel = (typeof GUEST_CHANNELS)[number];

/** The most macOS guests Apple's Virtualization.framework (and the macOS licence) allows at once per Mac. */
export const MAX_MACOS_VMS = 2;

const sshSchema = z.strictObject({
  username: nameText().optional(),
  password: secretText().optional(),
  privateKey: nameText().optional(),
  port: portNumber().optional(),
});

const registrySchema = z.strictObject({
  hostname: nameText().superRefine(
    rule(
      (h: string) => !/[/\s]/.test(h),
      "must be a registry host name such as ghcr.io, without scheme or path",
      "e.g. ghcr.io or registry.example.com:5000",
    ),
  ),
  username: nameText(),
  password: secretText().optional(),
});

const imagePattern = nameText().superRefine(
  rule(
    (p: string) => !/\s/.test(p),
    "must not contain spaces",
    "an image pattern looks like ghcr.io/cirruslabs/*",
  ),
);

const imagesSchema = z.strictObject({
  allow: z.array(imagePattern).optional(),
  aliases: z.record(z.string(), nameText()).optional(),
});

// tart run --dir takes `name:path[:ro][,tag=…]`, so a colon or comma in either part would be misread.
const mountSchema = z.strictObject({
  name: nameText().superRefine(
    rule((n: string) => /^[A-Za-z0-9._-]+$/.test(n), "may only contain letters, digits, '.', '_' and '-'"),
  ),
  path: nameText().superRefine(
    rule(
      (p: string) => !/[:,]/.test(p),
      "must not contain ':' or ',' (tart run --dir uses them as separators)",
    ),
  ),
  readOnly: z.boolean().optional(),
});

/** The `tart:` block: how VMs are pulled, cloned, sized, booted and reached. */
export const tartConfigSchema = z.strictObject({
  executable: nameText().optional(),
  homeFolder: nameText().optional(),
  netBridgedAdapter: nameText().optional(),
  isHeadless: z.boolean().optional(),
  isInsecure: z.boolean().optional(),
  insecureDomains: z.array(nameText()).optional(),
  numberOfVirtualMachines: z
    .int()
    .min(1)
    .superRefine(
      rule(
        (n: number) => n <= MAX_MACOS_VMS,
        `must be at most ${MAX_MACOS_VMS} (Apple's Virtualization.framework runs at most ${MAX_MACOS_VMS} macOS VMs per Mac)`,
        `set it to ${MAX_MACOS_VMS}`,
      ),
    )
    .optional(),
  ssh: sshSchema.optional(),
  defaultCpu: z.int().min(1).optional(),
  defaultMemory: memoryMegabytes().optional(),
  pullPolicy: z.enum(PULL_POLICIES).optional(),
  guestChannel: z.enum(GUEST_CHANNELS).optional(),
  registry: registrySchema.optional(),
  images: imagesSchema.optional(),
  mounts: z.array(mountSchema).optional(),
});
