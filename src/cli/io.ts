/** What a command may touch, passed in so tests run commands in-process with their own streams. */
export interface CliIO {
  stdout: { write(chunk: string): unknown; isTTY?: boolean };
  stderr: { write(chunk: string): unknown };
  cwd: string;
  env: Record<string, string | undefined>;
  /** The clock for "now" (flag-given reviews, `evaluated_at`); default: the real time. */
  now?: () => Date;
}

export const EXIT_PASS = 0;
export const EXIT_BLOCKED = 1;
export const EXIT_USAGE = 2;

export function useColor(io: CliIO): boolean {
  // https://no-color.org: any non-empty NO_COLOR turns colour off.
  return io.stdout.isTTY === true && !io.env.NO_COLOR && io.env.TERM !== "dumb";
}

export function now(io: CliIO): Date {
  return io.now ? io.now() : new Date();
}
