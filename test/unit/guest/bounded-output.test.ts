import { describe, expect, it } from "vitest";
import { BoundedOutput } from "../../../src/guest/bounded-output.js";

describe("BoundedOutput", () => {
  it("keeps everything below the limit", () => {
    const output = new BoundedOutput(10);
    output.push(Buffer.from("hello "));
    output.push(Buffer.from("you"));
    expect(output.text()).toBe("hello you");
  });

  it("keeps the first bytes up to the limit and says how much it dropped", () => {
    const output = new BoundedOutput(4);
    output.push(Buffer.from("abc"));
    output.push(Buffer.from("defg"));
    output.push(Buffer.from("hij"));
    expect(output.text()).toBe("abcd\n[tart-executor: output truncated at 4 bytes, 6 more bytes dropped]\n");
  });
});
