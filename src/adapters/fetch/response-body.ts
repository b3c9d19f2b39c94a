import type { IncomingMessage } from "node:http";
import type { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import { UserFacingError } from "../../core/errors.ts";

/** Reading a response body: decompression and the size cap, counted on the wire and after decompression. */

function decompressor(encoding: string): Transform | undefined {
  // Flushing like this tolerates a truncated last block, as browsers do.
  switch (encoding) {
    case "":
    case "identity":
      return undefined;
    case "gzip":
    case "x-gzip":
      return zlib.createGunzip({ finishFlush: zlib.constants.Z_SYNC_FLUSH });
    case "deflate":
      return zlib.createInflate({ finishFlush: zlib.constants.Z_SYNC_FLUSH });
    case "br":
      return zlib.createBrotliDecompress({ finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH });
    case "zstd":
      return zlib.createZstdDecompress();
    default:
      throw new UserFacingError("unsupported_content", `The page uses an unsupported compression (${encoding}).`, {
        key: "error.unsupportedCompression",
        params: { encoding },
      });
  }
}

/** Streams the body, aborting (and dropping the connection) as soon as the cap is passed. */
export async function readBody(response: IncomingMessage, maxBytes: number, signal: AbortSignal): Promise<Buffer> {
  const encoding = (response.headers["content-encoding"] ?? "").trim().toLowerCase();
  let inflate: Transform | undefined;
  try {
    inflate = decompressor(encoding);
  } catch (err) {
    response.destroy();
    throw err;
  }
  const chunks: Buffer[] = [];
  let wire = 0;
  let total = 0;
  const countWire = async function* (source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      wire += chunk.byteLength;
      if (wire > maxBytes) throw tooLarge(maxBytes);
      yield chunk;
    }
  };
  const collect = async (source: AsyncIterable<Buffer>): Promise<void> => {
    for await (const chunk of source) {
      total += chunk.byteLength;
      if (total > maxBytes) throw tooLarge(maxBytes);
      chunks.push(chunk);
    }
  };
  if (inflate === undefined) await pipeline(response, countWire, collect, { signal });
  else await pipeline(response, countWire, inflate, collect, { signal });
  return Buffer.concat(chunks, total);
}

export function tooLarge(maxBytes: number): UserFacingError {
  return new UserFacingError(
    "too_large",
    `The page is larger than ${formatBytes(maxBytes)}, the most marketbrief reads; try a lighter version of it.`,
    { key: "error.tooLarge", params: { size: formatBytes(maxBytes) } },
  );
}

function formatBytes(bytes: number): string {
  if (bytes >= 1_000_000) return `${+(bytes / 1_000_000).toFixed(1)} MB`;
  if (bytes >= 1_000) return `${+(bytes / 1_000).toFixed(1)} kB`;
  return `${bytes} bytes`;
}
