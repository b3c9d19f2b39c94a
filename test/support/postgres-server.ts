import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chownSync, closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import pg from "pg";

/**
 * A throwaway PostgreSQL server for tests, started from the machine's own binaries on a temp
 * directory and a free loopback port, with durability switched off (it is thrown away anyway).
 */
export interface PostgresServer {
  /** URL of the database created for this server's user (one per test file). */
  url: string;
  /** Creates another empty database and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Stops the server (fast shutdown) and removes its directory. */
  close(): Promise<void>;
}

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;

/** initdb and postgres from PATH, else the newest /usr/lib/postgresql/<version>/bin; undefined when absent. */
export function findPostgresBinaries(): PostgresBinaries | undefined {
  const pathDirs = (process.env.PATH ?? "").split(delimiter).filter(Boolean);
  const debianDirs = existsSync("/usr/lib/postgresql")
    ? readdirSync("/usr/lib/postgresql")
        .filter((v) => /^\d+$/.test(v))
        .toSorted((a, b) => Number(b) - Number(a))
        .map((v) => join("/usr/lib/postgresql", v, "bin"))
    : [];
  for (const dir of [...pathDirs, ...debianDirs]) {
    const initdb = join(dir, "initdb");
    const postgres = join(dir, "postgres");
    if (existsSync(initdb) && existsSync(postgres)) return { initdb, postgres };
  }
  return undefined;
}

export const POSTGRES_MISSING =
  "PostgreSQL binaries (initdb, postgres) not found on PATH or under /usr/lib/postgresql/*/bin: PostgreSQL tests skipped";

/**
 * The binaries for a test file's PostgreSQL half, or undefined (with a warning) so it skips on a
 * developer's machine without PostgreSQL. Under CI (CI set, as .ci/run does) a missing
 * PostgreSQL fails the file instead: a skipped engine is not a passed engine.
 */
export function postgresForTests(): PostgresBinaries | undefined {
  const binaries = findPostgresBinaries();
  if (binaries) return binaries;
  if (process.env.CI) throw new Error(`${POSTGRES_MISSING}. CI must run the PostgreSQL half: .ci/run installs it from the system's packages.`);
  console.warn(POSTGRES_MISSING);
  return undefined;
}

/**
 * PostgreSQL refuses to run as root: then the server runs as `nobody` (Node sets the uid/gid of
 * the child itself, so signals reach postgres directly, with no su/runuser in between).
 */
function unprivilegedIdentity(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith("nobody:"));
  const [, , uid, gid] = line?.split(":") ?? [];
  return { uid: Number(uid ?? 65534), gid: Number(gid ?? 65534) };
}

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startPostgres(options: { binaries?: PostgresBinaries; database?: string } = {}): Promise<PostgresServer> {
  const binaries = options.binaries ?? findPostgresBinaries();
  if (!binaries) throw new Error(POSTGRES_MISSING);
  const identity = unprivilegedIdentity();
  const dir = mkdtempSync(join(tmpdir(), "mb-pg-"));
  const data = join(dir, "data");
  const logPath = join(dir, "server.log");
  if (identity) chownSync(dir, identity.uid, identity.gid);
  const asServerUser = identity ? { uid: identity.uid, gid: identity.gid } : {};
  const env = { PATH: process.env.PATH ?? "", LC_ALL: "C" };

  let child: ChildProcess | undefined;
  // An aborted test run must not leave a server behind.
  const onExit = () => {
    child?.kill("SIGQUIT");
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", onExit);

  try {
    const init = spawnSync(
      binaries.initdb,
      ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"],
      { ...asServerUser, env, encoding: "utf8", timeout: START_TIMEOUT_MS },
    );
    if (init.status !== 0) throw new Error(`initdb failed (${init.status ?? init.signal}): ${init.stderr || init.error?.message}`);

    let port = 0;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      const log = openSync(logPath, "a");
      // prettier-ignore
      child = spawn(binaries.postgres, [
        "-D", data, "-p", String(port), "-k", dir,
        "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off",
        "-c", "full_page_writes=off", "-c", "shared_buffers=16MB", "-c", "max_connections=60",
      ], { ...asServerUser, env, stdio: ["ignore", log, log] });
      closeSync(log);
      const ready = await waitUntilReady(child, port);
      if (ready === "ready") break;
      const tail = readFileSync(logPath, "utf8").slice(-2000);
      // The free port may have been taken between our probe and postgres' bind: try another.
      if (ready === "exited" && /could not (bind|create listen)/i.test(tail) && attempt < 3) continue;
      throw new Error(`PostgreSQL did not start (${ready}); log:\n${tail}`);
    }

    const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
    let created = 0;
    const createDatabase = async (name?: string): Promise<string> => {
      const database = (name ?? `db_${++created}`).replaceAll(/[^a-z0-9_]/gi, "_").toLowerCase();
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE "${database}"`);
      } finally {
        await admin.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${database}`;
    };
    const url = await createDatabase(options.database ?? "marketbrief_test");
    const server = child;

    return {
      url,
      createDatabase,
      async close() {
        process.removeListener("exit", onExit);
        if (server.exitCode === null && server.signalCode === null) {
          const exited = new Promise<void>((resolve) => server.once("exit", () => resolve()));
          server.kill("SIGINT"); // fast shutdown: open connections are cut, nothing is written out
          const timer = setTimeout(() => server.kill("SIGKILL"), STOP_TIMEOUT_MS);
          await exited;
          clearTimeout(timer);
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    process.removeListener("exit", onExit);
    onExit();
    throw err;
  }
}

/** Polls with a real connection until the server answers, it exits, or the time runs out. */
async function waitUntilReady(child: ChildProcess, port: number): Promise<"ready" | "exited" | "timeout"> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return "exited";
    const client = new pg.Client({ host: "127.0.0.1", port, user: "postgres", database: "postgres", connectionTimeoutMillis: 1000 });
    client.on("error", () => undefined);
    try {
      await client.connect();
      await client.query("SELECT 1");
      await client.end();
      return "ready";
    } catch {
      await client.end().catch(() => undefined);
      await sleep(50);
    }
  }
  child.kill("SIGKILL");
  return "timeout";
}
