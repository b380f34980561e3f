/** How doctor says what went wrong with a GitHub request, including answers of an unexpected shape. */
import { ZodError } from "zod";

/** GitHub's own message when it sent one; for an answer our clients could not read, what was wrong with it. */
export function describeGitHubError(error: unknown): string {
  if (error instanceof ZodError)
    return `GitHub's answer was not what the API documents (${error.issues
      .map((issue) => `${issue.path.join(".") || "the body"}: ${issue.message}`)
      .join("; ")})`;
  const data = (error as { response?: { data?: { message?: unknown } } } | null)?.response?.data;
  if (typeof data?.message === "string") return data.message;
  return error instanceof Error ? error.message : String(error);
}

/** A short rendering of a value seen in an answer: `missing`, or its JSON, cut at 80 characters. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "missing";
  const json = JSON.stringify(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}
