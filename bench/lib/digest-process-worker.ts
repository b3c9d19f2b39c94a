/**
 * One bot process of the digest-processes bench: the real app on a shared PostgreSQL and the
 * real scheduler posting through discord.js's REST client to the Discord emulator. Reads a
 * ProcessRequest (argv[2]), prints {"phase":"ready"}, waits for "go" on stdin, runs the catch-up
 * (the slot that just fell due), prints a ProcessDone line and exits.
 */
import { createInterface } from "node:readline";
import { REST } from "discord.js";
import { pino } from "pino";
import { createApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { createDigestComposer } from "../../src/discord/digest-charts.ts";
import { createDiscordSender } from "../../src/discord/publisher.ts";
import { createDigestScheduler } from "../../src/jobs/scheduler.ts";

export interface ProcessRequest {
  env: Record<string, string>;
  instanceId: string;
  nowMs: number;
}

export interface ProcessDone {
  phase: "done";
  instanceId: string;
  ms: number;
  delivered: number;
  failed: number;
  held: number;
  peakRss: number;
}

const request = JSON.parse(process.argv[2] ?? "{}") as ProcessRequest;
const app = await createApp(loadConfig(request.env), pino({ level: process.env.BENCH_LOG ?? "warn" }, pino.destination(2)));
const rest = new REST({ version: "10", api: request.env["DISCORD_API_URL"] ?? "" }).setToken(request.env["DISCORD_TOKEN"] ?? "");
const scheduler = createDigestScheduler({
  store: app.store,
  builder: app.digestBuilder,
  sender: createDiscordSender(rest),
  compose: createDigestComposer(undefined),
  log: app.logger,
  catchupHours: app.config.digest.catchupHours,
  instanceId: request.instanceId,
  metrics: app.metrics,
});
process.stdout.write(`${JSON.stringify({ phase: "ready" })}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() !== "go") continue;
  const started = performance.now();
  const report = await scheduler.catchUp(new Date(request.nowMs));
  const done: ProcessDone = {
    phase: "done",
    instanceId: request.instanceId,
    ms: performance.now() - started,
    delivered: report.delivered.length,
    failed: report.failed.length,
    held: report.held.length,
    peakRss: process.resourceUsage().maxRSS * 1024,
  };
  process.stdout.write(`${JSON.stringify(done)}\n`);
  break;
}
rest.clearHashSweeper();
rest.clearHandlerSweeper();
await app.close();
process.exit(0);
