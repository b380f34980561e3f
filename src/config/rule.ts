import type { z } from "zod";

type Text<T> = string | ((value: T) => string);

/**
 * A check for `.superRefine` whose failure carries our own message and an optional hint, for
 * rules where zod's generic wording would not tell the user what to do.
 */
export function rule<T>(test: (value: T) => boolean, message: Text<T>, hint?: Text<T>) {
  return (value: T, ctx: z.RefinementCtx<T>): void => {
    if (test(value)) return;
    const text = typeof message === "function" ? message(value) : message;
    const hintText = typeof hint === "function" ? hint(value) : hint;
    ctx.addIssue({
      code: "custom",
      message: text,
      input: value,
      ...(hintText === undefined ? {} : { params: { hint: hintText } }),
    });
  };
}
