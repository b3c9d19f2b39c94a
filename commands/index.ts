import { digest } from "./digest.ts";
import { help } from "./help.ts";
import { summarize } from "./summarize.ts";
import { status } from "./status.ts";
import { summarizeLink } from "./summarize-link.ts";
import type { Command } from "./types.ts";
import { watch } from "./watch.ts";

/** THE registry: the router dispatches from it and deploy-commands registers exactly it. */
export const commands: readonly Command[] = [summarize, summarizeLink, watch, digest, status, help];
