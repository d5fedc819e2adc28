/**
 * How large a graph document may be, on disk and in transit: one number shared by the host that
 * reads files, the API contract that validates requests, and the browser client that sends them.
 * Pure (no Node), so the renderer can import it.
 */

/** A graph file, or any one text the UI hands the host to save: 64 MiB of UTF-8. */
export const MAX_GRAPH_TEXT_BYTES = 64 * 1024 * 1024;
/** One message to the web host: a text at its limit plus its JSON escaping. */
export const MAX_MESSAGE_BYTES = 80 * 1024 * 1024;

/** UTF-8 length without a Buffer (the renderer has none): 1–4 bytes a code point. */
export function utf8Length(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
