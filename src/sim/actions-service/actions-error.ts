/**
 * The Actions service's error bodies, `{ typeName, message }` (actions/scaleset errors.go
 * `actionsExceptionError`). Route handlers throw an ActionsError; the server answers it.
 */
export class ActionsError extends Error {
  readonly status: number;
  readonly typeName: string;

  constructor(status: number, typeName: string, message: string) {
    super(message);
    this.name = "ActionsError";
    this.status = status;
    this.typeName = typeName;
  }

  body(): { typeName: string; message: string } {
    return { typeName: this.typeName, message: this.message };
  }
}
