/**
 * `cleanup`: stops and deletes every VM of this job on this Mac (found by name in `tart list`, so
 * also after a SIGKILLed prepare or run), frees its slot, removes the job's directory, and sweeps
 * VMs crashed drivers left. It reports problems in the log and never fails the job.
 */
import { rmSync } from "node:fs";
import { say, jobDirectory, stateDirectory, tartAccess, type DriverContext } from "./driver-context.js";
import { gitlabJobPrefix, isValidJobId } from "./gitlab-vm-name.js";
import { deleteJobVm } from "./delete-job-vm.js";
import { sweepStaleGitlabVms } from "./sweep-gitlab-vms.js";
import { VmSlots, isProcessAlive } from "./vm-slots.js";

export async function cleanupStage(
  context: DriverContext,
  options: { tartExecutable: string },
): Promise<void> {
  const jobId = context.env["CUSTOM_ENV_CI_JOB_ID"] ?? "";
  if (!isValidJobId(jobId)) {
    say(context, "cleanup: CUSTOM_ENV_CI_JOB_ID is missing or not a number; nothing to clean up");
    return;
  }
  const { tart } = tartAccess(context, options.tartExecutable);
  const slots = new VmSlots(stateDirectory(context.env), {
    clock: context.clock,
    listVms: async () =>
      (await tart.listLocal()).map((entry) => ({ name: entry.name, running: entry.state === "running" })),
    isProcessAlive,
    pid: context.pid,
  });
  const prefix = gitlabJobPrefix(context.hostname, jobId);
  try {
    for (const vm of (await tart.listLocal()).filter((entry) => entry.name.startsWith(prefix))) {
      try {
        await deleteJobVm(tart, vm.name);
        say(context, `Deleted ${vm.name}`);
      } catch (error) {
        say(
          context,
          `cleanup: could not delete ${vm.name}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
  } catch (error) {
    say(context, `cleanup: tart list failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  for (const vm of slots.reservations()) if (vm.startsWith(prefix)) slots.release(vm);
  rmSync(jobDirectory(context.env, jobId), { recursive: true, force: true });
  await sweepStaleGitlabVms(tart, context.hostname, context.clock.now(), (vm) =>
    say(context, `Deleted ${vm}, left behind by an earlier job`),
  ).catch(() => undefined);
}
