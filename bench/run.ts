/**
 * `npm run bench`: every benchmark in its own process (so peak RSS figures don't mix), one
 * table each. Pass names to run a subset: `npm run bench -- extraction pipeline`.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const BENCHES: Record<string, string> = {
  extraction: "Extraction quality and speed on real pages (../shared/corpus/extraction and extraction-de)",
  pipeline: "Pipeline overhead without the model",
  "discord-ack": "Discord: first use, acknowledgement latency and memory of the connected bot (npm start)",
  "digest-scale": "Digest at scale: 10,000 channels x 5 of 1,000 tickers x 20 stories",
  "cluster-quality": "Same-story clustering: pairwise precision and recall on the labelled reports",
  chart: "Price charts: render time and memory",
  "market-data": "Market-data requests: a digest of 1,000 tickers, then 10,000 channels",
  fabrication: "Fabrication suite: faithful and fabricating model answers, checked by the verifier",
  "digest-processes": "Digest slots over 1 and 3 bot processes on one PostgreSQL",
  delivery: "Delivery under faults: 200 channels in one minute, one rate-limited 150 s, 5 % of sends failing once with 500",
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const names = wanted.length > 0 ? wanted : Object.keys(BENCHES);
let failed = 0;
for (const name of names) {
  const title = BENCHES[name];
  if (title === undefined) {
    process.stderr.write(`unknown benchmark "${name}"; known: ${Object.keys(BENCHES).join(", ")}\n`);
    process.exit(2);
  }
  process.stdout.write(`\n## ${name}: ${title}\n\n`);
  const file = fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
  const run = spawnSync(process.execPath, [file], { stdio: "inherit" });
  if (run.status !== 0) {
    failed++;
    process.stdout.write(`(${name} exited with ${run.status ?? run.signal})\n`);
  }
}
process.exit(failed > 0 ? 1 : 0);
