/**
 * Which `image:` a job may run: a valid Tart reference (src/github/image-reference.ts, so nothing
 * hostile reaches tart's command line) that matches none of the `--exclude-image-expr` regular
 * expressions (searched anywhere in the name, as Python's `re.search` does in the seed driver).
 */
import { parseImageReference, type ImageReference } from "../github/image-reference.js";
import { DriverFailure } from "./driver-failure.js";

export function compileExcludeExpressions(expressions: readonly string[]): RegExp[] {
  return expressions.map((expression) => {
    try {
      return new RegExp(expression);
    } catch (cause) {
      throw new DriverFailure(
        "system",
        `--exclude-image-expr ${JSON.stringify(expression)} is not a valid regular expression`,
        {
          cause,
        },
      );
    }
  });
}

/** The image to run, or a build failure (the job asked for something this runner refuses). */
export function checkJobImage(image: string | undefined, exclude: readonly RegExp[]): ImageReference {
  if (image === undefined || image.trim() === "") {
    throw new DriverFailure(
      "build",
      "the job has no image: set `image:` in .gitlab-ci.yml to a Tart image (CUSTOM_ENV_CI_JOB_IMAGE is empty)",
    );
  }
  const reference = parseImageReference(image);
  if (reference === null) {
    throw new DriverFailure(
      "build",
      `image ${JSON.stringify(image.slice(0, 200))} is not a valid Tart image reference (registry/name[:tag] or a local VM name)`,
    );
  }
  const excluded = exclude.find((expression) => expression.test(image));
  if (excluded !== undefined) {
    throw new DriverFailure(
      "build",
      `image ${image} is excluded by --exclude-image-expr ${JSON.stringify(excluded.source)}`,
    );
  }
  return reference;
}
