/**
 * The bot as an operator runs it (`node src/main.ts`, as `npm start` does), under faults: two
 * processes on one PostgreSQL with the claim holder killed with SIGKILL mid-digest, and storage
 * that cannot be used at start.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgresStore } from "../src/adapters/store/postgres-store.ts";
import { openSqliteStore } from "../src/adapters/store/sqlite-store.ts";
import { deliveryNonce } from "../src/core/delivery-nonce.ts";
import { startDiscordEmulator, type DiscordEmulator, type RecordedMessage } from "./support/discord-emulator/index.ts";
import { serveDailyWire } from "./support/daily-wire.ts";
import { startTestServer, type TestServer } from "./support/http-server.ts";
import { postgresForTests, startPostgres, type PostgresServer } from "./support/postgres-server.ts";
import { PROJECT_ROOT } from "./support/run-cli.ts";

const GUILD = "800000000000000077";
const CHANNEL = "820000000000000077";
const MAIN = join(PROJECT_ROOT, "src/main.ts");
// More tickers than one message holds (10 embeds): a digest of several messages.
const SYMBOLS = ["AAPL", "MSFT", "BABA", "SAP.DE", "9988.HK", "NVDA", "AMZN", "TSLA", "GOOGL", "META", "NFLX", "INTC", "JPM"];

let dir: string;
let news: TestServer;
let emu: DiscordEmulator;
const binaries = postgresForTests();
let pgServer: PostgresServer | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "marketbrief-delivery-"));
  chmodSync(dir, 0o755);
  news = await startTestServer();
  serveDailyWire(news, 3_600_000);
  emu = await startDiscordEmulator({ guilds: [{ id: GUILD, name: "Faults", channels: [{ id: CHANNEL, name: "digest" }] }] });
  if (binaries) pgServer = await startPostgres({ binaries, database: "delivery_processes" });
}, 60_000);

afterAll(async () => {
  await emu?.close();
  await news?.close();
  await pgServer?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 30_000);

interface Bot {
  child: ChildProcess;
  exited: Promise<NodeJS.Signals | number | null>;
  stderr(): string;
}

function startBot(env: Record<string, string>, options: { asUser?: { uid: number; gid: number }; killAfterMs?: number } = {}): Bot {
  const child = spawn(process.execPath, [MAIN], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "", HOME: dir, LOG_LEVEL: "info", ...env },
    ...options.asUser,
  });
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  child.stdout?.resume();
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on("close", (code, signal) => resolve(signal ?? code)));
  const killer = setTimeout(() => child.kill("SIGKILL"), options.killAfterMs ?? 200_000);
  void exited.then(() => clearTimeout(killer));
  return { child, exited, stderr: () => stderr };
}

const posts = (id: string): RecordedMessage[] => emu.channelMessages(id).filter((m) => m.source === "channel");
const logLines = (bot: Bot): Array<Record<string, unknown>> =>
  bot
    .stderr()
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe.skipIf(!binaries)("two bot processes on one PostgreSQL", () => {
  it("the claim holder killed with SIGKILL after the first message: the other continues with the rest, nothing twice", async () => {
    const url = await pgServer!.createDatabase("kill9");
    const now = new Date();
    const hhmm = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(now);
    const slotKey = `${now.toISOString().slice(0, 10)}T${hhmm}@UTC`;
    const seed = await openPostgresStore(url);
    for (const symbol of SYMBOLS) await seed.addWatch(CHANNEL, GUILD, symbol, 25);
    await seed.setSchedule(CHANNEL, GUILD, { time: hhmm, timeZone: "UTC", weekdaysOnly: false });
    await seed.close();

    // The holder's second message never gets an answer: it is killed while waiting for it.
    const second = `${deliveryNonce(CHANNEL, slotKey)}001`;
    emu.injectFault({ method: "POST", path: `/channels/${CHANNEL}/messages`, fault: "stall", times: 1, match: (body) => (body as { nonce?: string } | undefined)?.nonce === second });
    const env = {
      DISCORD_TOKEN: emu.token,
      DISCORD_API_URL: emu.apiUrl,
      DATABASE_URL: url,
      MARKET_DATA_URL: "off",
      NEWS_FEEDS: `${news.url}/rss?s={symbol}`,
      FETCH_ALLOW_PRIVATE: "127.0.0.1",
      DIGEST_LEASE_S: "10",
    };
    const bots = [startBot(env), startBot(env)];
    try {
      await emu.waitFor(() => posts(CHANNEL).length === 1 && emu.stalledRequests === 1, 120_000, "the first message and the hanging second one");
      const holder = bots.find((b) => logLines(b).some((l) => l.msg === "digest message accepted" && l.part === 0));
      const other = bots.find((b) => b !== holder);
      expect(holder).toBeDefined();
      holder!.child.kill("SIGKILL");
      expect(await holder!.exited).toBe("SIGKILL");
      emu.releaseStalled();

      const delivered = await emu.waitFor(
        () => logLines(other!).find((l) => l.msg === "digest delivered" && l.channelId === CHANNEL),
        150_000,
        "the other process to finish the digest",
      );
      expect(delivered).toMatchObject({ slotKey, resumedFrom: 1 });
      const total = delivered.messages as number;
      expect(total).toBeGreaterThanOrEqual(2);
      const sent = posts(CHANNEL);
      expect(sent).toHaveLength(total);
      const base = deliveryNonce(CHANNEL, slotKey);
      expect(sent.map((m) => m.nonce)).toEqual(Array.from({ length: total }, (_, i) => `${base}${String(i).padStart(3, "0")}`));
      expect(sent.flatMap((m) => m.embeds).length).toBe(SYMBOLS.length);
      // Taken over after the lease ran out, not after a long wait: the slot is not a minute older by much.
      expect(logLines(other!).some((l) => l.msg === "continuing a digest delivery from its first unsent message")).toBe(true);
    } finally {
      emu.clearFaults();
      for (const bot of bots) bot.child.kill("SIGKILL");
      await Promise.all(bots.map((b) => b.exited));
    }
  }, 300_000);
});

describe("storage checked at start", () => {
  const expectOneLineFailure = async (bot: Bot, mention: string | RegExp) => {
    expect(await bot.exited).toBe(1);
    const stderr = bot.stderr();
    const lines = stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^marketbrief: /);
    if (typeof mention === "string") expect(lines[0]).toContain(mention);
    else expect(lines[0]).toMatch(mention);
    expect(stderr).not.toMatch(/\n\s+at /);
    // Never connected to Discord.
    return lines[0] ?? "";
  };
  const botEnv = (databaseUrl: string) => ({ DISCORD_TOKEN: emu.token, DISCORD_API_URL: emu.apiUrl, DATABASE_URL: databaseUrl, MARKET_DATA_URL: "off" });

  // As root the bot must run as nobody to meet a read-only file; nobody must then reach Node and the sources.
  const asNobodyImpossible = process.getuid?.() === 0 && ![process.execPath, join(PROJECT_ROOT, "src/main.ts")].every(reachableByOthers);
  if (asNobodyImpossible) console.warn("read-only SQLite test skipped: running as root in a folder other users cannot enter, so the bot cannot run as nobody");
  it.skipIf(asNobodyImpossible)("a read-only SQLite file stops the start with one line naming the file", async () => {
    const folder = join(dir, "readonly");
    mkdirSync(folder);
    const path = join(folder, "bot.db");
    const store = openSqliteStore(path);
    await store.close();
    rmSync(`${path}-wal`, { force: true });
    rmSync(`${path}-shm`, { force: true });
    chmodSync(path, 0o444);
    chmodSync(folder, 0o555);
    // root may write anything: the bot then runs as nobody, as a service account would.
    const asUser = process.getuid?.() === 0 ? nobody() : undefined;
    if (asUser) chownSync(dir, 0, 0);
    const before = emu.requests.length;
    const line = await expectOneLineFailure(startBot(botEnv(`sqlite:${path}`), { ...(asUser ? { asUser } : {}), killAfterMs: 30_000 }), path);
    expect(line).toMatch(/read-only|writable/);
    expect(emu.requests.slice(before).filter((r) => r.path === "/gateway/bot")).toEqual([]);
  }, 60_000);

  it("a corrupt SQLite file stops the start with one line naming the file and what to do", async () => {
    const path = join(dir, "corrupt.db");
    writeFileSync(path, Buffer.from("this is not a SQLite database, just some bytes of something else\n".repeat(200)));
    const line = await expectOneLineFailure(startBot(botEnv(`sqlite:${path}`), { killAfterMs: 30_000 }), path);
    expect(line).toMatch(/corrupt or not a SQLite file/);
    expect(line).toMatch(/backup|move it away/);
    // The file is left as it was.
    expect(readFileSync(path, "utf8").startsWith("this is not a SQLite database")).toBe(true);
  }, 60_000);

  it("an unreachable PostgreSQL stops the start with one line naming the host, never the password", async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === "object" && address ? address.port : 0));
      });
    });
    const line = await expectOneLineFailure(
      startBot(botEnv(`postgres://bot:s3cretpw@127.0.0.1:${port}/marketbrief`), { killAfterMs: 30_000 }),
      `127.0.0.1:${port}/marketbrief`,
    );
    expect(line).not.toContain("s3cretpw");
    expect(line).toMatch(/DATABASE_URL/);
  }, 60_000);
});

/** Whether a user who is neither owner nor group member may read `path` (every folder above it searchable). */
function reachableByOthers(path: string): boolean {
  if ((statSync(path).mode & 0o004) === 0) return false;
  for (let folder = dirname(path); ; folder = dirname(folder)) {
    if ((statSync(folder).mode & 0o001) === 0) return false;
    if (dirname(folder) === folder) return true;
  }
}

function nobody(): { uid: number; gid: number } {
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith("nobody:"));
  const [, , uid, gid] = line?.split(":") ?? [];
  return { uid: Number(uid ?? 65534), gid: Number(gid ?? 65534) };
}
