/**
 * The exported train.ts's reader of a segmentation folder (`images/` + `masks/`, or the same under
 * `train/` and `test/`), by the app's rules (engine/data/mask-folder.ts) and with its named errors:
 * pairs matched by file name, PNG masks whose grey value is the class id, an optional `classes.txt`
 * (beside `images/`, or in the top folder), one image size. PNG only, decoded with node:zlib, so
 * the script needs no image package (the Python scripts' reader is ../mask-folder-py.ts).
 */
export const TS_MASK_FOLDER = `
/** An 8-bit, non-interlaced PNG: its size, channels (palette applied) and pixels, row-major. */
function readPng(path: string, rel: string): { width: number; height: number; channels: number; pixels: Uint8Array } {
  const data = readFileSync(path);
  if (data.length < 8 || data.readUInt32BE(0) !== 0x89504e47) throw new DatasetError(\`\${rel}: not a PNG file (\${path})\`);
  let pos = 8;
  const idat: Buffer[] = [];
  let palette: Buffer | null = null;
  let header: Buffer | null = null;
  while (pos + 8 <= data.length) {
    const length = data.readUInt32BE(pos);
    const kind = data.toString('latin1', pos + 4, pos + 8);
    const body = data.subarray(pos + 8, pos + 8 + length);
    pos += 12 + length;
    if (kind === 'IHDR') header = body;
    else if (kind === 'PLTE') palette = body;
    else if (kind === 'IDAT') idat.push(body);
    else if (kind === 'IEND') break;
  }
  if (!header) throw new DatasetError(\`\${rel}: a PNG without its header (\${path})\`);
  const [width, height, depth, colour, interlace] = [header.readUInt32BE(0), header.readUInt32BE(4), header[8]!, header[9]!, header[12]!];
  const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 3, 4: 2, 6: 4 };
  if (depth !== 8 || interlace !== 0 || !(colour in CHANNELS)) {
    throw new DatasetError(\`\${rel}: only 8-bit, non-interlaced PNGs are read here (this one is \${depth}-bit, colour type \${colour}); save it again as an 8-bit PNG\`);
  }
  const step = colour === 3 ? 1 : CHANNELS[colour]!;
  const stride = width * step;
  const raw = inflateSync(Buffer.concat(idat));
  const out = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = y * stride;
    for (let i = 0; i < stride; i++) {
      const left = i >= step ? out[row + i - step]! : 0;
      const up = y > 0 ? out[row - stride + i]! : 0;
      const corner = y > 0 && i >= step ? out[row - stride + i - step]! : 0;
      const p = left + up - corner;
      const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - corner)];
      const predicted = [0, left, up, (left + up) >> 1, pa <= pb && pa <= pc ? left : pb <= pc ? up : corner][filter] ?? 0;
      out[row + i] = (line[i]! + predicted) & 255;
    }
  }
  if (colour !== 3) return { width, height, channels: step, pixels: out };
  const rgb = new Uint8Array(out.length * 3);
  out.forEach((index, p) => rgb.set(palette!.subarray(3 * index, 3 * index + 3), 3 * p));
  return { width, height, channels: 3, pixels: rgb };
}

/** classes.txt in \`dir\`: one name per line, class 0 first (blank lines skipped), or null. */
function classList(dir: string): string[] | null {
  const path = join(dir, 'classes.txt');
  if (!existsSync(path)) return null;
  const names = readFileSync(path, 'utf8').replace(/^\\uFEFF/, '').split(/\\r?\\n/).map((l) => l.trim()).filter(Boolean);
  if (names.length === 0) throw new DatasetError(\`\${path}: the class list is empty\`);
  return names;
}

const isDir = (path: string) => existsSync(path) && statSync(path).isDirectory();

/** 'flat' (images/ + masks/), 'split' (train/images + train/masks), or null. */
function maskFolderLayout(dir: string): 'flat' | 'split' | null {
  if (isDir(join(dir, 'images')) && isDir(join(dir, 'masks'))) return 'flat';
  return isDir(join(dir, 'train', 'images')) && isDir(join(dir, 'train', 'masks')) ? 'split' : null;
}

/** Image and mask paths paired by file name, sorted; a file without its partner is an error. */
function maskPairs(dir: string, prefix: string): { image: string; mask: string; imageRel: string; maskRel: string }[] {
  const names = (sub: string) => readdirSync(join(dir, sub)).filter((n) => /\\.(png|jpe?g)$/i.test(n)).sort();
  const stem = (n: string) => n.replace(/\\.[^.]*$/, '');
  const masks = new Map(names('masks').map((m) => [stem(m), m]));
  const images = names('images');
  if (images.length === 0) throw new DatasetError(\`\${join(dir, 'images')}: no PNG or JPEG images here\`);
  const pairs = images.map((name) => {
    const mask = masks.get(stem(name));
    if (!mask) throw new DatasetError(\`\${prefix}images/\${name} has no mask: expected \${prefix}masks/\${stem(name)}.png (in \${dir})\`);
    masks.delete(stem(name));
    return { image: join(dir, 'images', name), mask: join(dir, 'masks', mask), imageRel: \`\${prefix}images/\${name}\`, maskRel: \`\${prefix}masks/\${mask}\` };
  });
  const orphan = [...masks.values()].sort()[0];
  if (orphan) throw new DatasetError(\`\${prefix}masks/\${orphan} has no image: expected \${prefix}images/\${stem(orphan)}.png or .jpg (in \${dir})\`);
  return pairs;
}

/** A segmentation folder's train and test splits (pixels in [0, 1], channels-last) and its class names. */
function loadMaskFolder(dir: string, limit: number, testLimit: number): { train: Split; test: Split | null; classNames: string[] } {
  const layout = maskFolderLayout(dir)!;
  const trainDir = layout === 'split' ? join(dir, 'train') : dir;
  const listed = classList(trainDir) ?? (layout === 'split' ? classList(dir) : null);
  const parts: [string, ReturnType<typeof maskPairs>][] = [['train', maskPairs(trainDir, layout === 'split' ? 'train/' : '').slice(0, limit)]];
  if (layout === 'split' && isDir(join(dir, 'test', 'images'))) parts.push(['test', maskPairs(join(dir, 'test'), 'test/').slice(0, testLimit)]);
  let first: { rel: string; width: number; height: number } | null = null;
  let grey = true;
  const read = parts.map(([, pairs]) =>
    pairs.map((pair) => {
      if (!/\\.png$/i.test(pair.image)) throw new DatasetError(\`\${pair.imageRel}: this script reads PNG images only; convert JPEGs to PNG\`);
      if (!/\\.png$/i.test(pair.mask)) throw new DatasetError(\`\${pair.maskRel}: masks must be PNG files (JPEG changes the class ids as it compresses)\`);
      const image = readPng(pair.image, pair.imageRel);
      const mask = readPng(pair.mask, pair.maskRel);
      if (mask.width !== image.width || mask.height !== image.height) {
        throw new DatasetError(\`\${pair.maskRel} is \${mask.width}×\${mask.height} but its image \${pair.imageRel} is \${image.width}×\${image.height}; a mask labels each pixel of its image\`);
      }
      if (!first) first = { rel: pair.imageRel, width: image.width, height: image.height };
      else if (image.width !== first.width || image.height !== first.height) {
        throw new DatasetError(\`mixed image sizes: \${first.rel} is \${first.width}×\${first.height} but \${pair.imageRel} is \${image.width}×\${image.height}; resize all images and masks to one size\`);
      }
      const pixels = image.width * image.height;
      const rgb = new Uint8Array(pixels * 3);
      const ids = new Uint8Array(pixels);
      const colourOf = (png: typeof image, p: number) => (png.channels >= 3 ? [0, 1, 2] : [0, 0, 0]).map((c) => png.pixels[p * png.channels + c]!);
      for (let p = 0; p < pixels; p++) {
        const [r, g, b] = colourOf(image, p);
        rgb.set([r!, g!, b!], p * 3);
        grey &&= r === g && r === b;
        const [id, mg, mb] = colourOf(mask, p);
        const at = \`row \${Math.floor(p / image.width)}, column \${p % image.width}\`;
        if (id !== mg || id !== mb) throw new DatasetError(\`\${pair.maskRel}: the pixel at \${at} is the colour (\${id}, \${mg}, \${mb}); a mask stores each pixel's class id as a grey value (R = G = B = id)\`);
        if (listed && id! >= listed.length) throw new DatasetError(\`\${pair.maskRel}: class id \${id} at \${at} is out of range: classes.txt lists \${listed.length} classes (ids 0–\${listed.length - 1})\`);
        ids[p] = id!;
      }
      return { rgb, ids };
    }),
  );
  let classNames = listed;
  if (!classNames) {
    const used = new Set<number>(read.flat().flatMap((s) => [...new Set(s.ids)]));
    if (used.size === 2 && used.has(0) && used.has(255)) {
      throw new DatasetError(\`\${parts[0]![1][0]!.maskRel}: the masks are black and white (ids 0 and 255); a mask stores class ids, so an object of class 1 is grey value 1 (or list 256 classes in classes.txt)\`);
    }
    classNames = Array.from({ length: Math.max(...used) + 1 }, (_, i) => String(i));
  }
  const channels = grey ? 1 : 3;
  const split = (samples: (typeof read)[number]): Split => {
    const size = samples[0] ? samples[0].ids.length : 0;
    const x = new Float32Array(samples.length * size * channels);
    const masks = new Uint8Array(samples.length * size);
    samples.forEach((s, n) => {
      for (let p = 0; p < size; p++) for (let c = 0; c < channels; c++) x[(n * size + p) * channels + c] = s.rgb[p * 3 + c]! / 255;
      masks.set(s.ids, n * size);
    });
    return { x, y: new Int32Array(samples.length), masks, count: samples.length };
  };
  return { train: split(read[0]!), test: read[1]?.length ? split(read[1]) : null, classNames };
}
`;
