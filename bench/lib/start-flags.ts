import { readFileSync } from "node:fs";

const PACKAGE_JSON = new URL("../../package.json", import.meta.url);

export interface StartCommand {
  /** Variables set before `node` (`NAME=value node …`). */
  env: Record<string, string>;
  /** The node flags: the options between `node` and the script. */
  flags: string[];
}

/** How `npm start` runs node: `[NAME=value …] node [--flag …] src/main.ts`. */
export function startCommand(packageJsonText: string = readFileSync(PACKAGE_JSON, "utf8")): StartCommand {
  const start = (JSON.parse(packageJsonText) as { scripts?: Record<string, string> }).scripts?.start ?? "";
  const words = start.trim().split(/\s+/);
  const env: Record<string, string> = {};
  while (words.length > 0 && /^[A-Z_][A-Z0-9_]*=/.test(words[0] ?? "")) {
    const [name, ...value] = (words.shift() ?? "").split("=");
    env[name ?? ""] = value.join("=");
  }
  if (words[0] !== "node") throw new Error(`package.json's start script does not run node: "${start}"`);
  const flags: string[] = [];
  for (const word of words.slice(1)) {
    if (!word.startsWith("-")) break;
    flags.push(word);
  }
  return { env, flags };
}

/** The node flags of `npm start`. */
export function startScriptNodeFlags(): string[] {
  return startCommand().flags;
}
