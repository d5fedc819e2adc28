/**
 * File input and output for the whole app, one helper of each: `writeFileAtomic` (unique temporary
 * file beside the target, flushed, renamed over it; mode and symbolic links kept; nothing left
 * behind on failure) and `readFileBounded` (regular files only, a byte cap enforced while reading,
 * never blocking on a pipe), plus the header checks that come before inflating gzip or decoding an
 * image. The CLI, both hosts, the data loaders and the trainer read and write through these, and
 * every failure is an `IoError` whose message is one line for the user. Pure Node, no Electron.
 */
export { IoError, formatBytes, ioError, plainReason } from './errors';
export { writeFileAtomic, type AtomicWriteOptions } from './atomic-write';
export {
  DATASET_FILE_MAX_BYTES,
  GRAPH_FILE_MAX_BYTES,
  IMAGE_FILE_MAX_BYTES,
  JSON_FILE_MAX_BYTES,
  MODEL_FILE_MAX_BYTES,
  readFileBounded,
  readTextBounded,
  stripBom,
  type BoundedReadOptions,
} from './bounded-read';
export { MAX_IMAGE_PIXELS, checkImageSize, gunzipBounded, gzipDeclaredSize, isGzip, readImageHeader } from './inflate';
