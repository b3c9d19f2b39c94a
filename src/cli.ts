import { ConfigError, loadConfig } from "./config.ts";
import type { App } from "./app.ts";
import { createLogger, secretsOf } from "./logger.ts";
import { isUserFacingError } from "./core/errors.ts";
import { extractCommand } from "./cli/extract-command.ts";
import { summarizeCommand } from "./cli/summarize-command.ts";
import { USAGE, UsageError } from "./cli/usage.ts";

type CommandRunner = (args: string[], openApp: () => Promise<App>) => Promise<number>;

const commands: Record<string, CommandRunner> = {
  summarize: summarizeCommand,
  extract: extractCommand,
  digest: (args, openApp) => import("./cli/digest-command.ts").then((m) => m.digestCommand(args, openApp)),
  quote: (args, openApp) => import("./cli/quote-command.ts").then((m) => m.quoteCommand(args, openApp)),
  "deploy-commands": (args, openApp) => import("./cli/deploy-command.ts").then((m) => m.deployCommand(args, openApp)),
};

function isParseArgsError(err: unknown): boolean {
  const code = (err as { code?: string }).code ?? "";
  return code.startsWith("ERR_PARSE_ARGS");
}

export async function runCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(`${USAGE}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (command === undefined) {
    process.stderr.write(`marketbrief: unknown command "${name}"\n${USAGE}\n`);
    return 2;
  }
  let app: App | undefined;
  const openApp = async (): Promise<App> => {
    const config = loadConfig();
    // The CLI logs errors only unless LOG_LEVEL asks for more: warnings reach the user in the output itself.
    const logger = createLogger(config.logLevel ?? "error", { secrets: secretsOf(config) });
    // Loaded here, not at the top: usage errors and --help answer without loading every adapter.
    const { createApp } = await import("./app.ts");
    app = await createApp(config, logger, { symbols: "on first use" });
    return app;
  };
  try {
    return await command(rest, openApp);
  } catch (err) {
    if (err instanceof UsageError || isParseArgsError(err)) {
      process.stderr.write(`marketbrief: ${(err as Error).message}\nRun "marketbrief --help" for usage.\n`);
      return 2;
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`marketbrief: invalid configuration: ${err.problems.join("; ")}\n`);
      return 2;
    }
    if (isUserFacingError(err)) {
      process.stderr.write(`marketbrief: ${err.message}\n`);
      return 1;
    }
    process.stderr.write(`marketbrief: unexpected error: ${(err as Error).message ?? String(err)} (set LOG_LEVEL=debug for details)\n`);
    app?.logger.debug({ err }, "unexpected error");
    return 1;
  } finally {
    await app?.close();
  }
}

const code = await runCli(process.argv.slice(2));
// Let piped output drain, then exit explicitly: a model server that never answers must not keep
// the CLI alive through an open socket.
await new Promise<void>((resolve) => process.stdout.write("", () => resolve()));
await new Promise<void>((resolve) => process.stderr.write("", () => resolve()));
process.exit(code);
