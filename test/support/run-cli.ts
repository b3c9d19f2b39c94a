import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const PROJECT_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const CLI = fileURLToPath(new URL("../../bin/marketbrief.js", import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real CLI in a child process with only the given environment (plus PATH/HOME), so a
 * developer's own variables never leak into a test. `cwd` defaults to a new empty folder, so a
 * `.env` in the project folder (where users keep theirs) is never read either: a test that gives
 * paths passes them absolute.
 */
export function runCli(
  args: string[],
  options: {
    env?: Record<string, string>;
    stdin?: string;
    cwd?: string;
    timeoutMs?: number;
    /** Leave stdout unread this long first, as a slow reader at the other end of a pipe would. */
    pauseStdoutMs?: number;
  } = {},
): Promise<CliRun> {
  const ownCwd = options.cwd === undefined ? mkdtempSync(join(tmpdir(), "marketbrief-cli-")) : undefined;
  const cleanUp = () => {
    if (ownCwd !== undefined) rmSync(ownCwd, { recursive: true, force: true });
  };
  return new Promise<CliRun>((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd ?? ownCwd,
      // No prices unless a test gives a chart server: the default source is a public host.
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", MARKET_DATA_URL: "off", ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8");
    const read = () => child.stdout.on("data", (d: string) => (stdout += d));
    if (options.pauseStdoutMs) setTimeout(read, options.pauseStdoutMs);
    else read();
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    child.on("error", (err) => {
      cleanUp();
      reject(err);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      cleanUp();
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.stdin ?? "");
  });
}
