// Writes a 32x32 favicon.ico (one 32-bit BMP image) of a xiangqi piece, drawn here so the build
// needs no image tools: a beige disc, brown edge, red ring and a red star of lines.
// Usage: node tools/favicon.mjs OUT.ico, or import { faviconIco } and get the bytes.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const N = 32;
const SS = 4; // supersampling per axis

function distToSegment(x, y, x1, y1, x2, y2) {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const t = Math.max(0, Math.min(1, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - (x1 + t * dx), y - (y1 + t * dy));
}

const beige = [0xf3, 0xdc, 0xaa];
const brown = [0x8a, 0x5a, 0x2b];
const red = [0xb3, 0x26, 0x1e];
const lines = [[10, 16, 22, 16], [16, 10, 16, 22], [11.5, 11.5, 20.5, 20.5], [20.5, 11.5, 11.5, 20.5]];

function sample(x, y) {
  const r = Math.hypot(x - 16, y - 16);
  if (r > 15.5) return null;
  if (r > 14.2) return brown;
  if (Math.abs(r - 11.5) < 0.85) return red;
  for (const [x1, y1, x2, y2] of lines) if (distToSegment(x, y, x1, y1, x2, y2) < 1.05) return red;
  return beige;
}

export function faviconIco() {
  const px = new Float64Array(N * N * 4); // r, g, b, a in 0..1
  for (let y = 0; y < N; y++) {
    for (let x = 0; x < N; x++) {
      const acc = [0, 0, 0, 0];
      for (let sy = 0; sy < SS; sy++) {
        for (let sx = 0; sx < SS; sx++) {
          const c = sample(x + (sx + 0.5) / SS, y + (sy + 0.5) / SS);
          if (!c) continue;
          acc[0] += c[0]; acc[1] += c[1]; acc[2] += c[2]; acc[3] += 1;
        }
      }
      const i = (y * N + x) * 4;
      if (acc[3]) for (let k = 0; k < 3; k++) px[i + k] = acc[k] / acc[3];
      px[i + 3] = acc[3] / (SS * SS);
    }
  }

  // ICO = ICONDIR + ICONDIRENTRY + BITMAPINFOHEADER (height doubled) + BGRA rows bottom-up + AND mask.
  const maskRow = 4; // 32 bits per row, already a multiple of 4 bytes
  const imageSize = 40 + N * N * 4 + maskRow * N;
  const buf = Buffer.alloc(6 + 16 + imageSize);
  buf.writeUInt16LE(0, 0);
  buf.writeUInt16LE(1, 2); // icon
  buf.writeUInt16LE(1, 4); // one image
  buf.writeUInt8(N, 6);
  buf.writeUInt8(N, 7);
  buf.writeUInt8(0, 8); // no palette
  buf.writeUInt8(0, 9);
  buf.writeUInt16LE(1, 10); // planes
  buf.writeUInt16LE(32, 12); // bits per pixel
  buf.writeUInt32LE(imageSize, 14);
  buf.writeUInt32LE(22, 18); // offset of the image
  let o = 22;
  buf.writeUInt32LE(40, o);
  buf.writeInt32LE(N, o + 4);
  buf.writeInt32LE(N * 2, o + 8);
  buf.writeUInt16LE(1, o + 12);
  buf.writeUInt16LE(32, o + 14);
  buf.writeUInt32LE(0, o + 16); // BI_RGB
  buf.writeUInt32LE(N * N * 4 + maskRow * N, o + 20);
  o += 40;
  for (let y = N - 1; y >= 0; y--) {
    for (let x = 0; x < N; x++) {
      const i = (y * N + x) * 4;
      buf[o++] = Math.round(px[i + 2]);
      buf[o++] = Math.round(px[i + 1]);
      buf[o++] = Math.round(px[i]);
      buf[o++] = Math.round(px[i + 3] * 255);
    }
  }
  // AND mask all zero: transparency comes from the alpha channel.
  return buf;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) writeFileSync(process.argv[2] || 'favicon.ico', faviconIco());
