/** Bytes of an image's start that {@link sniffImageType} needs to tell the four formats apart. */
export const SIGNATURE_BYTES = 12;

/** The formats recognised from their bytes, named in messages. */
export const SNIFFED_FORMATS = 'PNG, JPEG, WebP or GIF';

/**
 * The media type of an image from its first bytes: PNG, JPEG, WebP and GIF, the formats Segmind's
 * model pages name. `undefined` for anything else.
 */
export function sniffImageType(head: Uint8Array): string | undefined {
  const at = (i: number, ...bytes: number[]) => bytes.every((b, k) => head[i + k] === b);
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (at(0, 0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (at(0, 0x47, 0x49, 0x46, 0x38) && (head[4] === 0x37 || head[4] === 0x39) && head[5] === 0x61)
    return 'image/gif';
  if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return 'image/webp';
  return undefined;
}

/**
 * A Blob's declared type when it names an image (`image/avif`, `image/heic`, …), lower-cased and
 * without parameters; `undefined` otherwise. It lets a caller send a format the SDK cannot
 * recognise by its bytes, by saying what it is. The pattern keeps it safe inside a data URL.
 */
export function declaredImageType(type: string): string | undefined {
  const essence = type.split(';')[0]!.trim().toLowerCase();
  return /^image\/[a-z0-9][a-z0-9.+-]{0,63}$/.test(essence) ? essence : undefined;
}

/** The first bytes as hex, for a message about an unrecognised format: `25 50 44 46 2d …`. */
export function hexPrefix(head: Uint8Array, count = 8): string {
  const shown = Array.from(head.subarray(0, count), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return head.length > count ? `${shown} …` : shown;
}

/** A file extension for a media type (`image/jpeg` → `jpg`), for names of stored files. */
export function extensionFor(type: string): string {
  const sub = type.slice(type.indexOf('/') + 1);
  if (sub === 'jpeg') return 'jpg';
  if (sub === 'svg+xml') return 'svg';
  return /^[a-z0-9]{1,10}$/.test(sub) ? sub : 'bin';
}

/** The image media type a file name's extension suggests (`photo.JPG` → `image/jpeg`), or `''`. */
export function typeForFileName(name: string): string {
  const ext = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase();
  switch (ext) {
    case 'png':
    case 'apng':
      return 'image/png';
    case 'jpg':
    case 'jpeg':
    case 'jfif':
    case 'pjp':
      return 'image/jpeg';
    case 'webp':
    case 'gif':
    case 'avif':
    case 'bmp':
    case 'heic':
    case 'heif':
      return `image/${ext}`;
    case 'tif':
    case 'tiff':
      return 'image/tiff';
    default:
      return '';
  }
}
