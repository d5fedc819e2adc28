/**
 * An image file as a sample for the feature maps: decoded by the browser, scaled to the input's
 * H×W (smoothly, as a photo is shrunk), made grey (the mean of R, G, B) or kept RGB, as 0–255 bytes.
 * Digits written dark on light are inverted for a dataset of light-on-dark digits (MNIST's): the
 * image's border tells which it is, and the sample's name says so.
 */
import type { SampleChoice } from '../../../engine/inspect/protocol';

export async function imageSample(file: File, shape: readonly number[], lightOnDark: boolean): Promise<SampleChoice> {
  if (shape.length !== 3 || (shape[2] !== 1 && shape[2] !== 3)) {
    throw new Error(`the graph's input is ${shape.join('×')}, which an image cannot fill (it needs H×W×1 or H×W×3)`);
  }
  const [h, w, c] = shape as [number, number, number];
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new Error(`${file.name} is not an image this browser can read (PNG, JPEG, GIF, WebP, BMP)`);
  }
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d')!;
  ctx.imageSmoothingQuality = 'high';
  ctx.fillStyle = 'white';
  ctx.fillRect(0, 0, w, h);
  ctx.drawImage(bitmap, 0, 0, w, h);
  bitmap.close();
  const rgba = ctx.getImageData(0, 0, w, h).data;
  const grey = (i: number) => Math.round((rgba[i * 4]! + rgba[i * 4 + 1]! + rgba[i * 4 + 2]!) / 3);
  // The border's mean: a light border around a dark stroke is ink on paper.
  let border = 0;
  let n = 0;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      if (y === 0 || x === 0 || y === h - 1 || x === w - 1) {
        border += grey(y * w + x);
        n++;
      }
  const invert = c === 1 && lightOnDark && border / n > 127;
  const pixels = new Array<number>(h * w * c);
  for (let i = 0; i < h * w; i++) {
    if (c === 1) pixels[i] = invert ? 255 - grey(i) : grey(i);
    else for (let k = 0; k < 3; k++) pixels[i * 3 + k] = rgba[i * 4 + k]!;
  }
  return { kind: 'pixels', pixels, shape: [h, w, c], name: invert ? `${file.name} (inverted: light on dark, as the dataset)` : file.name };
}
