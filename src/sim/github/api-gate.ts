/**
 * What happens to every REST request before its route runs, in GitHub's order: the request id
 * and date headers, the User-Agent requirement, authentication, the rate-limit budget, then any
 * injected fault. The listener protocol (`/_sim/…`) and the runner registration are not REST.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { sleepUnlessAborted } from "./changes.js";
import { GitHubError } from "./github-error.js";
import { requestId } from "./ids.js";
import { authenticate, type Principal } from "./request-auth.js";
import { routePath, setPrincipal } from "./request-context.js";
import { rateHeaders, type RateState } from "./rate-limit.js";
import type { FaultResponse } from "./faults.js";
import type { World } from "./world.js";

/** GitHub's answer to a request without User-Agent (plain text, 403). */
export const USER_AGENT_REQUIRED =
  "Request forbidden by administrative rules. Please make sure your request has a User-Agent header " +
  "(https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required). " +
  "Check https://developer.github.com for other possible causes.\n";

export const isRestPath = (path: string): boolean =>
  !path.startsWith("/_sim/") && path !== "/actions/runner-registration";

function budgetOf(
  world: World,
  principal: Principal,
  ip: string,
): { key: string; limit: number; subject: string } {
  const { rateLimiter } = world;
  if (principal.kind === "installation") {
    const id = principal.token.installation.id;
    return { key: `installation:${id}`, limit: rateLimiter.limit, subject: `installation ID ${id}` };
  }
  if (principal.kind === "jwt")
    return { key: "app", limit: rateLimiter.limit, subject: `app ID ${world.app.id}` };
  return {
    key: `ip:${ip}`,
    limit: rateLimiter.unauthenticatedLimit,
    subject: `${ip}. (But here's the good news: Authenticated requests get a higher rate limit. Check out the documentation for more details.)`,
  };
}

/** Returns false when the gate already answered the request. */
export async function gateRestRequest(
  world: World,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<boolean> {
  const id = requestId();
  void reply.header("x-github-request-id", id);
  void reply.header("x-github-api-version-selected", "2022-11-28");
  void reply.header("x-github-media-type", "github.v3; format=json");
  const ua = request.headers["user-agent"];
  if (ua === undefined || ua.trim() === "") {
    await reply.code(403).type("text/plain; charset=utf-8").send(USER_AGENT_REQUIRED);
    return false;
  }
  const now = world.clock.now();
  let principal: Principal;
  try {
    principal = authenticate(request.headers.authorization, {
      verifier: world.verifier,
      tokens: world.tokens,
      nowMs: now,
    });
  } catch (error) {
    const anonymous = budgetOf(world, { kind: "none" }, request.ip);
    void reply.headers(rateHeaders(world.rateLimiter.peek(anonymous.key, anonymous.limit, now)));
    throw error;
  }
  setPrincipal(request, principal);
  const budget = budgetOf(world, principal, request.ip);
  const state = world.rateLimiter.consume(budget.key, budget.limit, now, budget.subject);
  void reply.headers(rateHeaders(state));
  const fault = world.faults.take(request.method, routePath(request));
  if (fault !== undefined) await applyFault(world, fault, state, budget.subject, id);
  return true;
}

async function applyFault(
  world: World,
  fault: FaultResponse,
  state: RateState,
  subject: string,
  id: string,
): Promise<void> {
  switch (fault.kind) {
    case "delay":
      await sleepUnlessAborted(world.clock, fault.ms, world.shutdown);
      return;
    case "status":
      throw new GitHubError(fault.status, fault.message ?? (fault.status >= 500 ? "Server Error" : "Error"));
    case "rate-limit": {
      const headers: Record<string, string> = {
        ...rateHeaders(fault.primary === true ? { ...state, used: state.limit } : state),
        ...(fault.retryAfterSeconds === undefined ? {} : { "retry-after": String(fault.retryAfterSeconds) }),
      };
      const message =
        fault.primary === true
          ? `API rate limit exceeded for ${subject}.`
          : "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. " +
            `If you reach out to GitHub Support for help, please include the request ID ${id}.`;
      throw new GitHubError(fault.status, message, {
        documentationUrl: `https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-${fault.primary === true ? "primary" : "secondary"}-rate-limits`,
        headers,
      });
    }
  }
}
