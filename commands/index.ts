import { localizeCommandData } from "../src/discord/i18n-commands.ts";
import { digest } from "./digest.ts";
import { quote } from "./quote.ts";
import { help } from "./help.ts";
import { summarize } from "./summarize.ts";
import { status } from "./status.ts";
import { summarizeLink } from "./summarize-link.ts";
import type { Command } from "../src/discord/command.ts";
import { watch } from "./watch.ts";

/** THE registry: the router dispatches from it and deploy-commands registers exactly it (with the catalogs' localizations). */
export const commands: readonly Command[] = [summarize, summarizeLink, watch, digest, quote, status, help].map(
  (command): Command => ({ ...command, data: localizeCommandData(command.data) }) as Command,
);
