/**
 * One message session on a scale set (docs/scale-sets.md §3–§4; actions/scaleset
 * session_client.go): open, long-poll with `X-ScaleSetMaxCapacity`, delete (acknowledge) messages,
 * acquire jobs with the queue token, refresh the session when the queue answers 401 (once per
 * call, like the library), close.
 */
import type { ActionsConnection } from "./actions-connection.js";
import { MAX_MESSAGE_BYTES, parseMessage, type ParsedMessage } from "./scaleset-message.js";
import { ScaleSetHttpError, retryAfterMs } from "./scaleset-http-error.js";

const SETS = "_apis/runtime/runnerscalesets";

interface SessionBody {
  sessionId: string;
  messageQueueUrl: string;
  messageQueueAccessToken: string;
  ownerName?: string;
}

/** Another listener holds this scale set's session (observation: a 409 on session create). */
export class SessionConflictError extends Error {
  constructor(scaleSetName: string, detail: string) {
    super(
      `the runner scale set "${scaleSetName}" already has a message session held by another listener ` +
        `(another executor with the same scale-set name, or this host's previous process whose session has not expired yet): ${detail}`,
    );
    this.name = "SessionConflictError";
  }
}

export class MessageSession {
  readonly #connection: ActionsConnection;
  readonly #scaleSetId: number;
  #session: SessionBody;

  private constructor(connection: ActionsConnection, scaleSetId: number, session: SessionBody) {
    this.#connection = connection;
    this.#scaleSetId = scaleSetId;
    this.#session = session;
  }

  static async open(
    connection: ActionsConnection,
    scaleSet: { id: number; name: string },
    ownerName: string,
    signal?: AbortSignal,
  ): Promise<MessageSession> {
    try {
      const { body } = await connection.request<SessionBody>("POST", `${SETS}/${scaleSet.id}/sessions`, {
        body: { ownerName },
        expect: 200,
        ...(signal === undefined ? {} : { signal }),
      });
      if (typeof body?.messageQueueUrl !== "string" || typeof body.messageQueueAccessToken !== "string")
        throw new Error("the session answer lacks messageQueueUrl or messageQueueAccessToken");
      return new MessageSession(connection, scaleSet.id, body);
    } catch (error) {
      if (error instanceof ScaleSetHttpError && error.status === 409)
        throw new SessionConflictError(scaleSet.name, error.message);
      throw error;
    }
  }

  get sessionId(): string {
    return this.#session.sessionId;
  }

  async refresh(signal?: AbortSignal): Promise<void> {
    const { body } = await this.#connection.request<SessionBody>(
      "PATCH",
      `${SETS}/${this.#scaleSetId}/sessions/${this.#session.sessionId}`,
      { expect: 200, ...(signal === undefined ? {} : { signal }) },
    );
    this.#session = body;
  }

  async close(signal?: AbortSignal): Promise<void> {
    await this.#connection.request(
      "DELETE",
      `${SETS}/${this.#scaleSetId}/sessions/${this.#session.sessionId}`,
      {
        expect: 204,
        ...(signal === undefined ? {} : { signal }),
      },
    );
  }

  /** Runs `call` and, when it answers 401 (queue token expired), refreshes the session and runs it once more. */
  async #withRefresh<T>(call: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof ScaleSetHttpError) || error.status !== 401) throw error;
      await this.refresh(signal);
      return call();
    }
  }

  /** One long poll: a message, or null when the service had nothing (202). */
  async getMessage(
    lastMessageId: number,
    maxCapacity: number,
    signal?: AbortSignal,
  ): Promise<ParsedMessage | null> {
    return this.#withRefresh(async () => {
      const url = new URL(this.#session.messageQueueUrl);
      if (lastMessageId > 0) url.searchParams.set("lastMessageId", String(lastMessageId));
      const response = await this.#connection.fetch(url.toString(), {
        method: "GET",
        headers: {
          accept: "application/json; api-version=6.0-preview",
          authorization: `Bearer ${this.#session.messageQueueAccessToken}`,
          "user-agent": this.#connection.userAgent,
          "X-ScaleSetMaxCapacity": String(Math.max(0, Math.floor(maxCapacity))),
        },
        ...(signal === undefined ? {} : { signal }),
      });
      if (response.status === 202) {
        await response.body?.cancel();
        return null;
      }
      const text = await readLimited(response, MAX_MESSAGE_BYTES + 1);
      if (response.status === 200) return parseMessage(text);
      throw new ScaleSetHttpError(
        "GET message queue",
        response.status,
        text,
        retryAfterMs(response.headers.get("retry-after")),
      );
    }, signal);
  }

  async deleteMessage(messageId: number, signal?: AbortSignal): Promise<void> {
    await this.#withRefresh(async () => {
      const url = new URL(this.#session.messageQueueUrl);
      url.pathname = `${url.pathname.replace(/\/+$/, "")}/${messageId}`;
      const response = await this.#connection.fetch(url.toString(), {
        method: "DELETE",
        headers: {
          authorization: `Bearer ${this.#session.messageQueueAccessToken}`,
          "content-type": "application/json",
          "user-agent": this.#connection.userAgent,
        },
        ...(signal === undefined ? {} : { signal }),
      });
      const text = await response.text();
      if (response.status !== 204)
        throw new ScaleSetHttpError(
          "DELETE message",
          response.status,
          text,
          retryAfterMs(response.headers.get("retry-after")),
        );
    }, signal);
  }

  /** The request ids this scale set got (a subset of `ids`). */
  async acquireJobs(ids: readonly number[], signal?: AbortSignal): Promise<number[]> {
    return this.#withRefresh(async () => {
      const { body } = await this.#connection.request<{ value?: unknown }>(
        "POST",
        `${SETS}/${this.#scaleSetId}/acquirejobs`,
        {
          body: [...ids],
          expect: 200,
          bearer: this.#session.messageQueueAccessToken,
          ...(signal === undefined ? {} : { signal }),
        },
      );
      return Array.isArray(body?.value) ? body.value.filter((v): v is number => typeof v === "number") : [];
    }, signal);
  }
}

/** The body as text, but no more than `limit` bytes of it (the rest is dropped). */
async function readLimited(response: Response, limit: number): Promise<string> {
  if (response.body === null) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size >= limit) {
      await reader.cancel();
      break;
    }
  }
  return Buffer.concat(chunks).toString("utf8");
}
