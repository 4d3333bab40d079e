/**
 * A grid of objective values as a small offscreen canvas, coloured by rank (rankColors), for
 * the ellipse and smoothed-objective views to scale onto their plot area.
 */
import { rankColors } from './landscape';

/**
 * `values` holds `rows` rows of `columns` cells, row 0 at the lowest y; the canvas's row 0 is
 * its top, so rows are flipped.
 */
export function heatmapCanvas(values: Float64Array, columns: number, rows: number): HTMLCanvasElement {
  const pixels = rankColors(values);
  const image = new ImageData(columns, rows);
  const rowBytes = columns * 4;
  for (let row = 0; row < rows; row++) {
    image.data.set(pixels.subarray(row * rowBytes, (row + 1) * rowBytes), (rows - 1 - row) * rowBytes);
  }
  const canvas = document.createElement('canvas');
  canvas.width = columns;
  canvas.height = rows;
  canvas.getContext('2d')!.putImageData(image, 0, 0);
  return canvas;
}
