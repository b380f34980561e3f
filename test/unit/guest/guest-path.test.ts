import { describe, expect, it } from "vitest";
import { guestPathParent, joinGuestPath, quoteGuestPath } from "../../../src/guest/guest-path.js";

describe("quoteGuestPath", () => {
  it("quotes absolute paths", () => {
    expect(quoteGuestPath("/Users/admin/actions-runner")).toBe("'/Users/admin/actions-runner'");
  });

  it("anchors home-relative paths at $HOME, with or without ~/", () => {
    expect(quoteGuestPath("~/actions-runner")).toBe(`"$HOME"/'actions-runner'`);
    expect(quoteGuestPath("actions-runner")).toBe(`"$HOME"/'actions-runner'`);
    expect(quoteGuestPath("~")).toBe(`"$HOME"`);
    expect(quoteGuestPath("~/it's here")).toBe(`"$HOME"/'it'\\''s here'`);
  });

  it("refuses empty paths and ~user", () => {
    expect(() => quoteGuestPath("")).toThrow(/guest path/);
    expect(() => quoteGuestPath("~root/x")).toThrow(/guest path/);
  });
});

describe("joinGuestPath and guestPathParent", () => {
  it("join without doubling slashes", () => {
    expect(joinGuestPath("~/runner/", "run.sh")).toBe("~/runner/run.sh");
    expect(joinGuestPath("/", "run.sh")).toBe("/run.sh");
  });

  it("find the parent directory", () => {
    expect(guestPathParent("~/a/b.log")).toBe("~/a");
    expect(guestPathParent("/a/b.log")).toBe("/a");
    expect(guestPathParent("/b.log")).toBe("/");
    expect(guestPathParent("b.log")).toBe("~");
    expect(guestPathParent("~/b.log")).toBe("~");
  });
});
