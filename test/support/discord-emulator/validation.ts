// Discord's request-body checks, answered in its "Invalid Form Body" (50035) error-tree shape:
// { "embeds": { "0": { "description": { "_errors": [{ code, message }] } } } }.
// Lengths are UTF-16 code units (String#length): never more lenient than Discord.
import { ApplicationCommandOptionType, ApplicationCommandType } from "discord.js";
import type { APIAllowedMentions, APIEmbed } from "discord.js";

export interface FormError {
  code: string;
  message: string;
}
export interface ErrorTree {
  [key: string]: ErrorTree | FormError[];
}
type Path = ReadonlyArray<string | number>;
type Json = Record<string, unknown>;

export class FormErrors {
  readonly tree: ErrorTree = {};
  #count = 0;
  get empty(): boolean {
    return this.#count === 0;
  }
  add(path: Path, code: string, message: string): void {
    let node = this.tree;
    for (const key of path) node = (node[String(key)] ??= {}) as ErrorTree;
    ((node["_errors"] ??= []) as FormError[]).push({ code, message });
    this.#count++;
  }
  maxLength(path: Path, value: unknown, max: number): void {
    if (typeof value === "string" && value.length > max) this.add(path, "BASE_TYPE_MAX_LENGTH", `Must be ${max} or fewer in length.`);
  }
  maxItems(path: Path, value: unknown, max: number): void {
    if (Array.isArray(value) && value.length > max) this.add(path, "BASE_TYPE_MAX_LENGTH", `Must be ${max} or fewer in length.`);
  }
  between(path: Path, value: unknown, min: number, max: number): void {
    if (value === undefined || value === null) this.add(path, "BASE_TYPE_REQUIRED", "This field is required");
    else if (typeof value !== "string" || value.length < min || value.length > max)
      this.add(path, "BASE_TYPE_BAD_LENGTH", `Must be between ${min} and ${max} in length.`);
  }
}

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

// ---------------------------------------------------------------------------------------------
// Messages (channel messages, interaction responses, webhook follow-ups and edits)

/** Sum Discord counts against the 6000-character cap shared by all embeds of one message. */
export function embedCharacters(embed: APIEmbed): number {
  let total = (embed.title?.length ?? 0) + (embed.description?.length ?? 0);
  total += (embed.footer?.text.length ?? 0) + (embed.author?.name.length ?? 0);
  for (const field of embed.fields ?? []) total += (field.name?.length ?? 0) + (field.value?.length ?? 0);
  return total;
}

/** Limit checks of a message body (new or edit); see isEmptyMessage for 50006. */
export function validateMessage(body: Json, errors = new FormErrors()): FormErrors {
  errors.maxLength(["content"], body["content"], 2000);
  errors.maxItems(["embeds"], body["embeds"], 10);
  let total = 0;
  list(body["embeds"]).forEach((raw, i) => {
    if (!isObject(raw)) return errors.add(["embeds", i], "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType");
    const embed = raw as unknown as APIEmbed;
    errors.maxLength(["embeds", i, "title"], embed.title, 256);
    errors.maxLength(["embeds", i, "description"], embed.description, 4096);
    errors.maxItems(["embeds", i, "fields"], embed.fields, 25);
    list(embed.fields).forEach((field, j) => {
      const f = isObject(field) ? field : {};
      errors.between(["embeds", i, "fields", j, "name"], f["name"], 1, 256);
      errors.between(["embeds", i, "fields", j, "value"], f["value"], 1, 1024);
    });
    if (embed.footer) errors.maxLength(["embeds", i, "footer", "text"], embed.footer.text, 2048);
    if (embed.author) errors.maxLength(["embeds", i, "author", "name"], embed.author.name, 256);
    total += embedCharacters(embed);
  });
  if (total > 6000) errors.add(["embeds"], "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000");
  const nonce = body["nonce"];
  if (typeof nonce === "string") errors.maxLength(["nonce"], nonce, 25);
  const mentions = body["allowed_mentions"];
  if (isObject(mentions)) {
    const parse = list(mentions["parse"]);
    for (const [i, kind] of parse.entries())
      if (kind !== "users" && kind !== "roles" && kind !== "everyone")
        errors.add(["allowed_mentions", "parse", i], "BASE_TYPE_CHOICES", "Value must be one of ('roles', 'users', 'everyone').");
    for (const kind of ["users", "roles"] as const) {
      if (parse.includes(kind) && list(mentions[kind]).length > 0)
        errors.add(["allowed_mentions"], "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE", `parse:["${kind}"] and ${kind}: [ids] are mutually exclusive.`);
      errors.maxItems(["allowed_mentions", kind], mentions[kind], 100);
    }
  }
  return errors;
}

/** Discord answers 50006 "Cannot send an empty message" for a new message with nothing to show. */
export function isEmptyMessage(body: Json, fileCount: number): boolean {
  const content = body["content"];
  return (
    (typeof content !== "string" || content.length === 0) &&
    list(body["embeds"]).length === 0 &&
    list(body["components"]).length === 0 &&
    list(body["sticker_ids"]).length === 0 &&
    body["poll"] === undefined &&
    fileCount === 0
  );
}

export interface Pings {
  everyone: boolean;
  users: string[];
  roles: string[];
}

/** Who a NEW message notifies, given its content and allowed_mentions (absent = parse everything). */
export function computePings(content: string, allowed: APIAllowedMentions | undefined): Pings {
  const mentioned = (pattern: RegExp) => [...new Set([...content.matchAll(pattern)].map((m) => m[1] ?? ""))];
  const users = mentioned(/<@!?(\d{1,20})>/g);
  const roles = mentioned(/<@&(\d{1,20})>/g);
  if (!allowed) return { everyone: /@(everyone|here)/.test(content), users, roles };
  const parse: readonly string[] = allowed.parse ?? [];
  return {
    everyone: parse.includes("everyone") && /@(everyone|here)/.test(content),
    users: parse.includes("users") ? users : users.filter((id) => allowed.users?.includes(id)),
    roles: parse.includes("roles") ? roles : roles.filter((id) => allowed.roles?.includes(id)),
  };
}

// ---------------------------------------------------------------------------------------------
// Application commands (bulk overwrite / create)

const CHAT_INPUT_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
const CHOICE_TYPES: readonly unknown[] = [
  ApplicationCommandOptionType.String,
  ApplicationCommandOptionType.Integer,
  ApplicationCommandOptionType.Number,
];
const MAX_PER_TYPE: Record<number, number> = {
  [ApplicationCommandType.ChatInput]: 100,
  [ApplicationCommandType.User]: 15,
  [ApplicationCommandType.Message]: 15,
};

function checkChatInputName(errors: FormErrors, path: Path, name: unknown): void {
  if (typeof name !== "string") return errors.add(path, "BASE_TYPE_REQUIRED", "This field is required");
  if (!CHAT_INPUT_NAME.test(name) || name !== name.toLowerCase())
    errors.add(path, "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid");
}

/** Characters Discord counts toward a command's 8000-character size limit. */
function commandSize(node: Json): number {
  let size = String(node["name"] ?? "").length + String(node["description"] ?? "").length;
  for (const choice of list(node["choices"]))
    if (isObject(choice)) size += String(choice["name"] ?? "").length + String(choice["value"] ?? "").length;
  for (const option of list(node["options"])) if (isObject(option)) size += commandSize(option);
  return size;
}

function validateOptions(errors: FormErrors, path: Path, options: unknown, depth: number): void {
  errors.maxItems([...path, "options"], options, 25);
  let sawOptional = false;
  const seen = new Set<unknown>();
  list(options).forEach((raw, j) => {
    const at = [...path, "options", j];
    const option = isObject(raw) ? raw : {};
    const type = option["type"];
    if (typeof type !== "number" || type < 1 || type > 11)
      errors.add([...at, "type"], "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}.");
    const nested = type === ApplicationCommandOptionType.Subcommand || type === ApplicationCommandOptionType.SubcommandGroup;
    if (nested && (depth > 1 || (type === ApplicationCommandOptionType.SubcommandGroup && depth > 0)))
      errors.add([...at, "type"], "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID", "Sub-command and sub-command group option types are mutually exclusive to all other types");
    checkChatInputName(errors, [...at, "name"], option["name"]);
    if (seen.has(option["name"])) errors.add([...at, "name"], "APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS", "Option names must be unique");
    seen.add(option["name"]);
    errors.between([...at, "description"], option["description"], 1, 100);
    if (option["required"] === true && sawOptional)
      errors.add([...at, "required"], "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID", "Required options must be placed before non-required options");
    if (!nested && option["required"] !== true) sawOptional = true;
    const choices = option["choices"];
    if (choices !== undefined && !CHOICE_TYPES.includes(type))
      errors.add([...at, "choices"], "APPLICATION_COMMAND_OPTION_CHOICES_INVALID", "Choices are only valid for string, integer and number options");
    if (list(choices).length > 0 && option["autocomplete"] === true)
      errors.add([...at, "autocomplete"], "APPLICATION_COMMAND_AUTOCOMPLETE_INVALID", "Autocomplete cannot be set with choices");
    errors.maxItems([...at, "choices"], choices, 25);
    list(choices).forEach((choice, k) => {
      const c = isObject(choice) ? choice : {};
      errors.between([...at, "choices", k, "name"], c["name"], 1, 100);
      errors.maxLength([...at, "choices", k, "value"], c["value"], 100);
    });
    for (const key of ["min_length", "max_length"]) {
      const n = option[key];
      if (n !== undefined && (typeof n !== "number" || n < 0 || n > 6000))
        errors.add([...at, key], "NUMBER_TYPE_MAX", "int value should be less than or equal to 6000.");
    }
    if (nested) validateOptions(errors, at, option["options"], depth + 1);
  });
}

/** Form errors for a list of command definitions (indices as keys, like a bulk overwrite). */
export function validateCommands(commands: unknown): FormErrors {
  const errors = new FormErrors();
  if (!Array.isArray(commands)) {
    errors.add([], "BASE_TYPE_ARRAY", "Must be an array.");
    return errors;
  }
  const names = new Set<string>();
  const perType = new Map<number, number>();
  commands.forEach((raw, i) => {
    const command = isObject(raw) ? raw : {};
    const type = (command["type"] ?? ApplicationCommandType.ChatInput) as number;
    perType.set(type, (perType.get(type) ?? 0) + 1);
    if (type === ApplicationCommandType.ChatInput) {
      checkChatInputName(errors, [i, "name"], command["name"]);
      errors.between([i, "description"], command["description"], 1, 100);
      validateOptions(errors, [i], command["options"], 0);
    } else if (type === ApplicationCommandType.User || type === ApplicationCommandType.Message) {
      errors.between([i, "name"], command["name"], 1, 32);
      if (typeof command["description"] === "string" && command["description"] !== "")
        errors.add([i, "description"], "APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION_INVALID", "Context menu commands cannot have description");
      if (list(command["options"]).length > 0)
        errors.add([i, "options"], "APPLICATION_COMMAND_CONTEXT_MENU_OPTIONS_INVALID", "Context menu commands cannot have options");
    } else {
      errors.add([i, "type"], "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3}.");
    }
    const key = `${type}:${String(command["name"])}`;
    if (names.has(key)) errors.add([i, "name"], "APPLICATION_COMMANDS_DUPLICATE_NAME", "Application command names must be unique");
    names.add(key);
    const permissions = command["default_member_permissions"];
    if (permissions !== undefined && permissions !== null && !(typeof permissions === "string" && /^\d+$/.test(permissions)))
      errors.add([i, "default_member_permissions"], "NUMBER_TYPE_COERCE", `Value "${String(permissions)}" is not snowflake.`);
    if (commandSize(command) > 8000) errors.add([i], "APPLICATION_COMMAND_TOO_LARGE", "Command exceeds maximum size (8000)");
  });
  for (const [type, count] of perType)
    if (count > (MAX_PER_TYPE[type] ?? 0)) errors.add([], "BASE_TYPE_MAX_LENGTH", `Must be ${MAX_PER_TYPE[type] ?? 0} or fewer in length.`);
  return errors;
}

/** Checks for an autocomplete result (callback type 8). */
export function validateAutocompleteResult(data: Json): FormErrors {
  const errors = new FormErrors();
  errors.maxItems(["data", "choices"], data["choices"], 25);
  list(data["choices"]).forEach((choice, k) => {
    const c = isObject(choice) ? choice : {};
    errors.between(["data", "choices", k, "name"], c["name"], 1, 100);
    errors.maxLength(["data", "choices", k, "value"], c["value"], 100);
  });
  return errors;
}

/** Checks for a modal (callback type 9). */
export function validateModal(data: Json): FormErrors {
  const errors = new FormErrors();
  errors.between(["data", "custom_id"], data["custom_id"], 1, 100);
  errors.between(["data", "title"], data["title"], 1, 45);
  const components = list(data["components"]);
  if (components.length < 1 || components.length > 5)
    errors.add(["data", "components"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length.");
  return errors;
}
