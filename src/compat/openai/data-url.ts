/**
 * @module
 * Reading an OpenAI `image_url.url` into an Anthropic base64 image source. Only inline `data:` URLs
 * work: the proxy runs without network access, so it cannot fetch an http(s) image for the model.
 */
import type { Base64ImageSource } from '@anthropic-ai/sdk/resources/messages';

/** Image media types the Anthropic API accepts. */
export type ImageMediaType = Base64ImageSource['media_type'];

const mediaTypes: ReadonlySet<string> = new Set<ImageMediaType>([
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/webp',
]);

/** Why an image URL was refused, with the message to show the caller. */
export interface ImageUrlProblem {
  readonly ok: false;
  /** Complete sentence naming what is wrong and how to send the image instead. */
  readonly reason: string;
  /** OpenAI error `code`. */
  readonly code: 'unsupported_value' | 'invalid_value';
}

/** Result of {@link parseImageDataUrl}. */
export type ImageUrlResult = ({ readonly ok: true } & Base64ImageSource) | ImageUrlProblem;

// data:[<media type>][;param=value]*;base64,<data>; parameters such as `;charset=` are allowed.
const dataUrlPattern = /^data:([^;,]*)((?:;[^;,]*)*?);base64,/i;
const base64Pattern = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Parse a `data:image/...;base64,...` URL into an Anthropic {@link Base64ImageSource}.
 *
 * @example
 * ```ts
 * parseImageDataUrl('data:image/png;base64,iVBORw0KGgo='); // { ok: true, type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' }
 * parseImageDataUrl('https://example.com/a.png').ok;       // false: the proxy has no network
 * ```
 */
export function parseImageDataUrl(url: string): ImageUrlResult {
  if (/^https?:/i.test(url)) {
    return problem(
      'unsupported_value',
      'image URLs over http(s) are not supported because this proxy cannot fetch remote content; ' +
        'send the image inline as a base64 data URL (data:image/png;base64,...)',
    );
  }
  const match = dataUrlPattern.exec(url);
  if (match === null) {
    return problem('invalid_value', 'expected a base64 data URL such as data:image/png;base64,...');
  }
  const declared = (match[1] ?? '').trim().toLowerCase();
  // image/jpg is not a registered type but is common enough in the wild to accept.
  const mediaType = declared === 'image/jpg' ? 'image/jpeg' : declared;
  if (!isImageMediaType(mediaType)) {
    return problem(
      'unsupported_value',
      `image media type '${declared || '(none)'}' is not supported; use image/jpeg, image/png, image/gif or image/webp`,
    );
  }
  // Whitespace sometimes survives copy-paste of long base64 strings; it is not part of the data.
  const data = url.slice(match[0].length).replace(/\s+/g, '');
  if (!base64Pattern.test(data))
    return problem('invalid_value', 'the data URL does not contain valid base64 data');
  return { ok: true, type: 'base64', media_type: mediaType, data };
}

function isImageMediaType(value: string): value is ImageMediaType {
  return mediaTypes.has(value);
}

function problem(code: ImageUrlProblem['code'], reason: string): ImageUrlProblem {
  return { ok: false, code, reason };
}
