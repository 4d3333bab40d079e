/**
 * A grid of objective values as a small offscreen canvas, coloured by rank (rankColors), for
 * the ellipse and smoothed-objective views to scale onto their plot area; and the hatching
 * that marks cells where evaluations failed.
 */
import { rankColors } from './landscape';

/**
 * `values` holds `rows` rows of `columns` cells, row 0 at the lowest y; the canvas's row 0 is
 * its top, so rows are flipped. `confidence` greys out weakly supported cells.
 */
export function heatmapCanvas(
  values: Float64Array,
  columns: number,
  rows: number,
  confidence?: Float64Array,
): HTMLCanvasElement {
  const pixels = rankColors(values, confidence);
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

export interface PlotRect {
  left: number;
  top: number;
  width: number;
  height: number;
}

let hatch: CanvasPattern | null = null;

/** Red diagonal hatching on a pale ground: "evaluations failed here", in any colour map. */
function hatchPattern(ctx: CanvasRenderingContext2D): CanvasPattern | null {
  if (hatch) return hatch;
  const tile = document.createElement('canvas');
  tile.width = 8;
  tile.height = 8;
  const t = tile.getContext('2d')!;
  t.fillStyle = '#fbe9e7';
  t.fillRect(0, 0, 8, 8);
  t.strokeStyle = '#c0392b';
  t.lineWidth = 1.5;
  t.beginPath();
  // Two segments so the stripes join across tiles.
  t.moveTo(0, 8);
  t.lineTo(8, 0);
  t.moveTo(-2, 2);
  t.lineTo(2, -2);
  t.moveTo(6, 10);
  t.lineTo(10, 6);
  t.stroke();
  hatch = ctx.createPattern(tile, 'repeat');
  return hatch;
}

/** Hatches the cells of `mask` (rows × columns, row 0 at the bottom) over `rect`. */
export function hatchCells(
  ctx: CanvasRenderingContext2D,
  mask: Uint8Array,
  columns: number,
  rows: number,
  rect: PlotRect,
): number {
  const pattern = hatchPattern(ctx);
  if (!pattern) return 0;
  const cw = rect.width / columns;
  const ch = rect.height / rows;
  let count = 0;
  ctx.save();
  ctx.fillStyle = pattern;
  for (let row = 0; row < rows; row++) {
    // Runs of hatched cells in a row as one rectangle (no seams between cells).
    let col = 0;
    while (col < columns) {
      if (!mask[row * columns + col]) {
        col++;
        continue;
      }
      const start = col;
      while (col < columns && mask[row * columns + col]) col++;
      count += col - start;
      const y = rect.top + rect.height - (row + 1) * ch;
      ctx.fillRect(rect.left + start * cw, Math.floor(y), (col - start) * cw, Math.ceil(ch) + 1);
    }
  }
  ctx.restore();
  return count;
}
