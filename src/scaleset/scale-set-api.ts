/**
 * Runner groups, scale sets and JIT configs on the Actions service (docs/scale-sets.md §2, §5;
 * actions/scaleset client.go).
 */
import type { ActionsConnection } from "./actions-connection.js";

const SETS = "_apis/runtime/runnerscalesets";

export interface ScaleSetLabel {
  readonly type: string;
  readonly name: string;
}

export interface ScaleSetRecord {
  readonly id: number;
  readonly name: string;
  readonly runnerGroupId: number;
  readonly runnerGroupName?: string;
  readonly labels?: readonly ScaleSetLabel[];
}

export interface DesiredScaleSet {
  readonly name: string;
  readonly runnerGroup: string;
  readonly labels: readonly string[];
}

type List<T> = { count: number; value: T[] };

export async function runnerGroupId(
  connection: ActionsConnection,
  name: string,
  signal?: AbortSignal,
): Promise<number> {
  const { body } = await connection.request<List<{ id: number; name: string }>>(
    "GET",
    `_apis/runtime/runnergroups/?groupName=${encodeURIComponent(name)}`,
    { expect: 200, ...(signal === undefined ? {} : { signal }) },
  );
  if (body.count === 0 || body.value[0] === undefined) throw new Error(`no runner group named "${name}"`);
  if (body.count > 1) throw new Error(`more than one runner group named "${name}"`);
  return body.value[0].id;
}

export async function findScaleSet(
  connection: ActionsConnection,
  groupId: number,
  name: string,
  signal?: AbortSignal,
): Promise<ScaleSetRecord | null> {
  const { body } = await connection.request<List<ScaleSetRecord>>(
    "GET",
    `${SETS}?runnerGroupId=${groupId}&name=${encodeURIComponent(name)}`,
    { expect: 200, ...(signal === undefined ? {} : { signal }) },
  );
  if (body.count > 1) throw new Error(`more than one runner scale set named "${name}"`);
  return body.value[0] ?? null;
}

const sameLabels = (a: readonly ScaleSetLabel[] | undefined, b: readonly string[]): boolean => {
  const have = (a ?? []).map((l) => l.name.toLowerCase()).sort();
  const want = b.map((l) => l.toLowerCase()).sort();
  return have.length === want.length && have.every((l, i) => l === want[i]);
};

/** Finds this host's scale set, creating it or updating its labels when they differ. */
export async function ensureScaleSet(
  connection: ActionsConnection,
  desired: DesiredScaleSet,
  signal?: AbortSignal,
): Promise<{ scaleSet: ScaleSetRecord; action: "found" | "created" | "updated" }> {
  const opts = signal === undefined ? {} : { signal };
  const groupId = await runnerGroupId(connection, desired.runnerGroup, signal);
  const body = {
    name: desired.name,
    runnerGroupId: groupId,
    labels: desired.labels.map((name) => ({ type: "System", name })),
    RunnerSetting: { disableUpdate: true },
  };
  const existing = await findScaleSet(connection, groupId, desired.name, signal);
  if (existing === null) {
    const created = await connection.request<ScaleSetRecord>("POST", SETS, { body, expect: 200, ...opts });
    return { scaleSet: created.body, action: "created" };
  }
  if (sameLabels(existing.labels, desired.labels)) return { scaleSet: existing, action: "found" };
  const updated = await connection.request<ScaleSetRecord>("PATCH", `${SETS}/${existing.id}`, {
    body,
    expect: 200,
    ...opts,
  });
  return { scaleSet: updated.body, action: "updated" };
}

/** Deletes the named scale set; false when there is none. */
export async function removeScaleSet(
  connection: ActionsConnection,
  desired: Pick<DesiredScaleSet, "name" | "runnerGroup">,
  signal?: AbortSignal,
): Promise<boolean> {
  const groupId = await runnerGroupId(connection, desired.runnerGroup, signal);
  const existing = await findScaleSet(connection, groupId, desired.name, signal);
  if (existing === null) return false;
  await connection.request("DELETE", `${SETS}/${existing.id}`, {
    expect: 204,
    ...(signal === undefined ? {} : { signal }),
  });
  return true;
}

export interface ScaleSetJitConfig {
  readonly runner: { readonly id: number; readonly name: string; readonly runnerScaleSetId: number };
  readonly encodedJITConfig: string;
}

export async function generateScaleSetJitConfig(
  connection: ActionsConnection,
  scaleSetId: number,
  request: { name: string; workFolder: string },
  signal?: AbortSignal,
): Promise<ScaleSetJitConfig> {
  const { body } = await connection.request<ScaleSetJitConfig>(
    "POST",
    `${SETS}/${scaleSetId}/generatejitconfig`,
    {
      body: { name: request.name, workFolder: request.workFolder },
      expect: 200,
      ...(signal === undefined ? {} : { signal }),
    },
  );
  if (typeof body?.encodedJITConfig !== "string" || typeof body.runner?.id !== "number")
    throw new Error("generatejitconfig answered without encodedJITConfig and runner");
  return body;
}
