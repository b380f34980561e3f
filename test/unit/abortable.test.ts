import { describe, expect, it } from "vitest";
import { abortable } from "../../src/abortable.js";

describe("abortable", () => {
  it("settles like the work when the signal does not abort", async () => {
    const controller = new AbortController();
    await expect(abortable(Promise.resolve(7), controller.signal)).resolves.toBe(7);
    await expect(abortable(Promise.reject(new Error("no")), controller.signal)).rejects.toThrow("no");
  });

  it("rejects with the signal's reason when it aborts first, or already has", async () => {
    const controller = new AbortController();
    const waiting = abortable(new Promise<never>(() => undefined), controller.signal);
    controller.abort(new Error("teardown"));
    await expect(waiting).rejects.toThrow("teardown");
    await expect(abortable(Promise.resolve(1), controller.signal)).rejects.toThrow("teardown");
  });

  it("leaves no listener behind once the work settles", async () => {
    const controller = new AbortController();
    let listeners = 0;
    const signal = controller.signal;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = (...args: Parameters<typeof add>) => {
      listeners += 1;
      add(...args);
    };
    signal.removeEventListener = (...args: Parameters<typeof remove>) => {
      listeners -= 1;
      remove(...args);
    };
    for (let index = 0; index < 50; index += 1) await abortable(Promise.resolve(index), signal);
    await abortable(Promise.reject(new Error("x")), signal).catch(() => undefined);
    expect(listeners).toBe(0);
  });
});
