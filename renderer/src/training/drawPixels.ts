/** Draws 0–255 grey or RGB bytes (channels-last) into a 2D context, each pixel `scale` screen pixels wide. */
export function drawPixels(ctx: CanvasRenderingContext2D, pixels: readonly number[], shape: readonly number[], scale: number): void {
  const [h = 0, w = 0, c = 1] = shape;
  const image = ctx.createImageData(w, h);
  for (let i = 0; i < h * w; i++) {
    const r = pixels[i * c] ?? 0;
    image.data[i * 4] = r;
    image.data[i * 4 + 1] = c >= 3 ? (pixels[i * c + 1] ?? 0) : r;
    image.data[i * 4 + 2] = c >= 3 ? (pixels[i * c + 2] ?? 0) : r;
    image.data[i * 4 + 3] = 255;
  }
  // Scale up crisply: draw at 1:1 on a scratch canvas, then stretch without smoothing.
  const scratch = document.createElement('canvas');
  scratch.width = w;
  scratch.height = h;
  scratch.getContext('2d')!.putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(scratch, 0, 0, w * scale, h * scale);
}
