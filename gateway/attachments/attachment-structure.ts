import { crc32 } from 'node:zlib';
import type { AttachmentContentType } from '../../schemas/categories.ts';
import { ProblemError } from '../platform/problem.ts';

/**
 * Bytes kept from the end of a file for its trailer: PDF readers look for `%%EOF` in the last
 * 1 KiB, and some cameras append a little after a JPEG's end marker.
 */
export const tailBytes = 4096;

/** 50 megapixels: a 600 dpi A3 scan is about 70 % of that; a decompression bomb is far above. */
export const defaultMaxImagePixels = 50_000_000;

const formatNames: Record<AttachmentContentType, string> = {
  'application/pdf': 'PDF',
  'image/png': 'PNG',
  'image/jpeg': 'JPEG',
  'image/gif': 'GIF',
  'image/tiff': 'TIFF',
  'image/bmp': 'BMP',
};

function corrupt(type: AttachmentContentType, what: string): ProblemError {
  return new ProblemError(
    422,
    'attachment-corrupt',
    'Attachment is damaged or incomplete',
    `the ${formatNames[type]} file ${what}`,
  );
}

interface Want {
  at: number;
  bytes: Buffer;
  filled: number;
  then: (bytes: Buffer) => void;
}

/**
 * Pieces of a file at given offsets, caught as the stream passes: a header field can then be read
 * wherever it lies (a TIFF directory at the end, a JPEG frame header after large metadata) while
 * only the requested bytes are kept.
 */
class StreamReads {
  #wants: Want[] = [];
  #chunkStart = 0;

  constructor(private readonly onBackwards: () => ProblemError) {}

  read(at: number, length: number, then: (bytes: Buffer) => void): void {
    // Offsets come from the file; one that points back into bytes already gone is a broken file.
    if (at < this.#chunkStart) throw this.onBackwards();
    this.#wants.push({ at, bytes: Buffer.alloc(length), filled: 0, then });
  }

  get pending(): boolean {
    return this.#wants.length > 0;
  }

  feed(chunk: Buffer): void {
    const start = this.#chunkStart;
    const end = start + chunk.length;
    for (let progressed = true; progressed;) {
      progressed = false;
      for (const want of [...this.#wants]) {
        const from = want.at + want.filled;
        if (from < start || from >= end) continue;
        want.filled += chunk.copy(want.bytes, want.filled, from - start);
        if (want.filled < want.bytes.length) continue;
        this.#wants.splice(this.#wants.indexOf(want), 1);
        want.then(want.bytes); // may ask for more, possibly inside this same chunk
        progressed = true;
      }
    }
    this.#chunkStart = end;
  }
}

/** The last `tailBytes` of a stream, in a fixed buffer. */
class Tail {
  readonly #bytes = Buffer.alloc(tailBytes);
  #length = 0;

  push(chunk: Buffer): void {
    if (chunk.length >= tailBytes) {
      chunk.copy(this.#bytes, 0, chunk.length - tailBytes);
      this.#length = tailBytes;
      return;
    }
    const keep = Math.min(this.#length, tailBytes - chunk.length);
    this.#bytes.copy(this.#bytes, 0, this.#length - keep, this.#length);
    chunk.copy(this.#bytes, keep);
    this.#length = keep + chunk.length;
  }

  get bytes(): Buffer {
    return this.#bytes.subarray(0, this.#length);
  }
}

const pngEnd = Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);
const isJpegFrameHeader = (marker: number) =>
  marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

/**
 * Structural checks of one allowed file type, fed the file from its first byte: the header a
 * viewer needs (with the image's declared dimensions, refused above `maxPixels` because a few
 * kilobytes can declare gigabytes of pixels) and the trailer a complete file ends with. Memory is
 * the tail plus the header pieces asked for, whatever the file's size.
 */
export class StructureCheck {
  readonly #reads: StreamReads;
  readonly #tail = new Tail();
  #headerSeen = false;
  #bmp: { fileSize: number; pixelOffset: number; pixelBytes: number | undefined } | undefined;

  constructor(
    readonly type: AttachmentContentType,
    readonly maxPixels: number = defaultMaxImagePixels,
  ) {
    this.#reads = new StreamReads(() => corrupt(type, 'points outside itself'));
    this.#start();
  }

  update(chunk: Buffer): void {
    this.#tail.push(chunk);
    this.#reads.feed(chunk);
  }

  finish(size: number): void {
    if (this.#reads.pending || (!this.#headerSeen && this.type !== 'application/pdf'))
      throw corrupt(this.type, 'is truncated');
    const tail = this.#tail.bytes;
    switch (this.type) {
      case 'application/pdf':
        if (!tail.includes('%%EOF')) throw corrupt(this.type, 'has no end-of-file marker (truncated?)');
        break;
      case 'image/png':
        if (!tail.includes(pngEnd)) throw corrupt(this.type, 'has no IEND chunk (truncated?)');
        break;
      case 'image/jpeg':
        if (!tail.includes(Buffer.from([0xff, 0xd9])))
          throw corrupt(this.type, 'has no end-of-image marker (truncated?)');
        break;
      case 'image/gif':
        if (tail.at(-1) !== 0x3b) throw corrupt(this.type, 'has no trailer (truncated?)');
        break;
      case 'image/bmp': {
        const bmp = this.#bmp!;
        if (
          bmp.fileSize > size ||
          bmp.pixelOffset >= size ||
          (bmp.pixelBytes !== undefined && bmp.pixelOffset + bmp.pixelBytes > size)
        ) {
          throw corrupt(this.type, 'is shorter than its header says');
        }
        break;
      }
      case 'image/tiff':
        break;
    }
  }

  #dimensions(width: number, height: number): void {
    if (width <= 0 || height <= 0) throw corrupt(this.type, 'declares an empty image');
    if (width * height > this.maxPixels) {
      throw new ProblemError(
        422,
        'attachment-too-many-pixels',
        'Image has too many pixels',
        `an image may have at most ${this.maxPixels} pixels`,
      );
    }
    this.#headerSeen = true;
  }

  #start(): void {
    const reads = this.#reads;
    switch (this.type) {
      case 'application/pdf':
        this.#headerSeen = true; // the magic bytes are the PDF header
        return;
      case 'image/png':
        // IHDR must come first: length 13, type, 13 data bytes, CRC over type and data.
        return reads.read(8, 25, (ihdr) => {
          if (ihdr.readUInt32BE(0) !== 13 || ihdr.toString('latin1', 4, 8) !== 'IHDR')
            throw corrupt(this.type, 'does not start with an IHDR chunk');
          if (crc32(ihdr.subarray(4, 21)) !== ihdr.readUInt32BE(21))
            throw corrupt(this.type, 'has a damaged IHDR chunk (checksum)');
          this.#dimensions(ihdr.readUInt32BE(8), ihdr.readUInt32BE(12));
        });
      case 'image/gif':
        return reads.read(6, 4, (screen) => this.#dimensions(screen.readUInt16LE(0), screen.readUInt16LE(2)));
      case 'image/bmp':
        return reads.read(0, 18, (file) => this.#bmpHeader(file));
      case 'image/tiff':
        return reads.read(0, 8, (header) => this.#tiffHeader(header));
      case 'image/jpeg':
        return this.#jpegMarker(2);
    }
  }

  #bmpHeader(file: Buffer): void {
    const infoSize = file.readUInt32LE(14);
    const core = infoSize === 12;
    this.#reads.read(18, core ? 8 : 20, (info) => {
      const width = core ? info.readUInt16LE(0) : info.readInt32LE(0);
      const height = core ? info.readUInt16LE(2) : Math.abs(info.readInt32LE(4)); // negative: rows top-down
      const bitsPerPixel = info.readUInt16LE(core ? 6 : 10);
      const compression = core ? 0 : info.readUInt32LE(12);
      if (![1, 4, 8, 16, 24, 32].includes(bitsPerPixel))
        throw corrupt(this.type, 'declares an impossible colour depth');
      this.#dimensions(width, height);
      // Uncompressed rows are padded to 4 bytes; compressed pixel data has no fixed size.
      const uncompressed = compression === 0 || compression === 3;
      const pixelBytes = uncompressed ? Math.ceil((width * bitsPerPixel) / 32) * 4 * height : undefined;
      this.#bmp = { fileSize: file.readUInt32LE(2), pixelOffset: file.readUInt32LE(10), pixelBytes };
    });
  }

  #tiffHeader(header: Buffer): void {
    const little = header[0] === 0x49;
    const u16 = (bytes: Buffer, at: number) => (little ? bytes.readUInt16LE(at) : bytes.readUInt16BE(at));
    const u32 = (bytes: Buffer, at: number) => (little ? bytes.readUInt32LE(at) : bytes.readUInt32BE(at));
    const directory = u32(header, 4);
    if (directory < 8) throw corrupt(this.type, 'has an impossible directory offset');
    this.#reads.read(directory, 2, (count) => {
      const entries = u16(count, 0);
      if (entries === 0) throw corrupt(this.type, 'has an empty directory');
      this.#reads.read(directory + 2, entries * 12, (table) => {
        const tag = (id: number): number | undefined => {
          for (let at = 0; at < table.length; at += 12) {
            if (u16(table, at) !== id) continue;
            const fieldType = u16(table, at + 2);
            return fieldType === 3 ? u16(table, at + 8) : fieldType === 4 ? u32(table, at + 8) : undefined;
          }
          return undefined;
        };
        const width = tag(256);
        const height = tag(257);
        if (width === undefined || height === undefined) throw corrupt(this.type, 'has no image dimensions');
        this.#dimensions(width, height);
      });
    });
  }

  /** Walks the JPEG's segments to its frame header (SOFn), skipping metadata of any size by length. */
  #jpegMarker(at: number): void {
    this.#reads.read(at, 2, (marker) => {
      const code = marker[1]!;
      if (marker[0] !== 0xff) throw corrupt(this.type, 'has a damaged segment marker');
      if (code === 0xff) return this.#jpegMarker(at + 1); // fill byte
      if (isJpegFrameHeader(code)) {
        return this.#reads.read(at + 4, 5, (frame) => this.#dimensions(frame.readUInt16BE(3), frame.readUInt16BE(1)));
      }
      if (code === 0xda || code === 0xd9 || code === 0xd8)
        throw corrupt(this.type, 'has no frame header before its image data');
      if (code === 0x01 || (code >= 0xd0 && code <= 0xd7)) return this.#jpegMarker(at + 2);
      this.#reads.read(at + 2, 2, (length) => {
        if (length.readUInt16BE(0) < 2) throw corrupt(this.type, 'has a damaged segment length');
        this.#jpegMarker(at + 2 + length.readUInt16BE(0));
      });
    });
  }
}
