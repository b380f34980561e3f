/**
 * What a matching job asks of a VM: the resolved image and resources, and the runner labels.
 * Shared by the executor (its ledger and reconciler), the label matcher and the router.
 */
export interface VmSpec {
  /** Resolved Tart image reference (after aliases), e.g. `ghcr.io/cirruslabs/macos-sequoia-xcode:latest`. */
  readonly image: string;
  /** CPU count for `tart set --cpu`, or null for the image default. */
  readonly cpu: number | null;
  /** Memory in MiB for `tart set --memory`, or null for the image default. */
  readonly memoryMiB: number | null;
  /** The job's `runs-on` labels, lower-cased and de-duplicated, in their original order. */
  readonly labels: readonly string[];
}
