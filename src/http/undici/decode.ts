// undici hands bodies up as they were sent (fetch would decode them): this decodes what Node can,
// gzip, deflate, br and (where Node has it) zstd, in front of the body's ChunkReader.
import { pipeline, Readable, Transform } from 'node:stream';
import * as zlib from 'node:zlib';
import { type ChunkReader, UndecodableBody } from '../response-body.js';

type ZstdZlib = { createZstdDecompress?: () => Transform };

/** Whether this Node can decode `encoding` (one coding of a `content-encoding` header). */
export function canDecode(encoding: string): boolean {
  if (encoding === 'zstd') return typeof (zlib as ZstdZlib).createZstdDecompress === 'function';
  return encoding === 'gzip' || encoding === 'x-gzip' || encoding === 'br' || encoding === 'deflate';
}

function decoderFor(encoding: string): Transform {
  if (encoding === 'gzip' || encoding === 'x-gzip') return zlib.createGunzip();
  if (encoding === 'br') return zlib.createBrotliDecompress();
  if (encoding === 'zstd') return (zlib as ZstdZlib).createZstdDecompress!();
  return new DeflateDecoder();
}

/**
 * `raw` decoded through `encodings` (in the order they were applied; each one `canDecode`). A network
 * failure of `raw` comes out as it is; a failure of a decoder as {@link UndecodableBody}.
 */
export function decodedReader(raw: ChunkReader, encodings: readonly string[]): ChunkReader {
  let rawError: { error: unknown } | undefined;
  async function* source(): AsyncGenerator<Uint8Array> {
    try {
      for (let chunk = await raw.read(); chunk; chunk = await raw.read()) yield chunk;
    } catch (error) {
      rawError = { error };
      throw error;
    }
  }
  const stages = [
    Readable.from(source(), { objectMode: false }),
    ...[...encodings].reverse().map(decoderFor),
  ];
  // pipeline() passes a failure of any stage on to the last one, which the reader below iterates.
  const decoded = pipeline(stages, ignore) as unknown as Readable;
  const chunks = decoded[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  const cancel = () => {
    raw.cancel();
    for (const stage of stages) stage.destroy();
  };
  return {
    async read() {
      try {
        const step = await chunks.next();
        return step.done ? undefined : step.value;
      } catch (error) {
        if (rawError) throw rawError.error;
        throw new UndecodableBody(encodings.join(', '), error);
      }
    },
    cancel,
  };
}

function ignore(): void {}

// A "deflate" body should be zlib-wrapped, but some servers send it raw; the first byte tells.
class DeflateDecoder extends Transform {
  #inner: zlib.Inflate | zlib.InflateRaw | undefined;

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: (err?: Error | null) => void): void {
    if (!this.#inner) {
      // A zlib header's low nibble is 8 (deflate); anything else is a raw deflate stream.
      const inner = (chunk[0]! & 0x0f) === 0x08 ? zlib.createInflate() : zlib.createInflateRaw();
      inner.on('data', (out: Buffer) => this.push(out));
      inner.on('error', (err) => this.destroy(err));
      this.#inner = inner;
    }
    this.#inner.write(chunk, callback);
  }

  override _flush(callback: (err?: Error | null) => void): void {
    if (!this.#inner) {
      callback();
      return;
    }
    this.#inner.once('end', () => callback());
    this.#inner.end();
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    this.#inner?.destroy();
    callback(err);
  }
}
