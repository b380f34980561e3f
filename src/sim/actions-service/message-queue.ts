/**
 * One scale set's message queue. Job messages are batched (at most 50 per message, the research
 * summary's observation) into `RunnerScaleSetJobMessages` whose `body` is a JSON string of the
 * array (actions/scaleset client.go `parseRunnerScaleSetMessageResponse`). A message stays until
 * it is deleted; a poll gets the oldest undeleted one after `lastMessageId`.
 */
export const MAX_JOB_MESSAGES_PER_MESSAGE = 50;

export type JobMessage = Readonly<Record<string, unknown>> & { readonly messageType: string };

interface QueuedMessage {
  readonly messageId: number;
  readonly jobs: JobMessage[];
  /** Once handed out it is no longer extended. */
  handedOut: boolean;
  /** A raw body that replaces the normal one (hostile-message tests). */
  readonly raw?: { readonly messageType: string; readonly body: string };
}

export interface WireMessage {
  readonly messageId: number;
  readonly messageType: string;
  readonly body: string;
}

export class MessageQueue {
  readonly #messages: QueuedMessage[] = [];
  #nextId = 1;

  push(job: JobMessage): void {
    const last = this.#messages.at(-1);
    if (
      last !== undefined &&
      !last.handedOut &&
      last.raw === undefined &&
      last.jobs.length < MAX_JOB_MESSAGES_PER_MESSAGE
    ) {
      last.jobs.push(job);
      return;
    }
    this.#messages.push({ messageId: this.#nextId++, jobs: [job], handedOut: false });
  }

  /** Queues a message exactly as given (an unknown type, a malformed or oversized body). */
  pushRaw(messageType: string, body: string): void {
    this.#messages.push({
      messageId: this.#nextId++,
      jobs: [],
      handedOut: false,
      raw: { messageType, body },
    });
  }

  next(lastMessageId: number): WireMessage | undefined {
    const message = this.#messages.find((m) => m.messageId > lastMessageId);
    if (message === undefined) return undefined;
    message.handedOut = true;
    if (message.raw !== undefined) return { messageId: message.messageId, ...message.raw };
    return {
      messageId: message.messageId,
      messageType: "RunnerScaleSetJobMessages",
      body: JSON.stringify(message.jobs),
    };
  }

  delete(messageId: number): boolean {
    const index = this.#messages.findIndex((m) => m.messageId === messageId);
    if (index < 0) return false;
    this.#messages.splice(index, 1);
    return true;
  }

  get size(): number {
    return this.#messages.length;
  }
}
