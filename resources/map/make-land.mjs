#!/usr/bin/env node
// Converts Natural Earth's land polygons (public domain), as packaged by npm's world-atlas,
// into the console map's outline: land.json, a list of rings in longitude/latitude degrees,
// simplified once here so that the console only has to project and draw them.
//
//   node resources/map/make-land.mjs [--scale 50m|110m] [--tolerance DEG] [--min-area DEG2] [--out FILE]
//
// Installs world-atlas and topojson-client (pinned) into a temporary directory, never into
// the repository; the build never runs this script: land.json is committed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const WORLD_ATLAS = 'world-atlas@2.0.2';
const TOPOJSON_CLIENT = 'topojson-client@3.1.0';
const D3_GEO = 'd3-geo@3.1.1';

function options() {
  const args = process.argv.slice(2);
  const opts = {
    scale: '50m',
    tolerance: 0.12, // degrees: ~13 km at the equator, below a pixel at the map's fit zoom
    minArea: 0.4,    // square degrees: drops islets a marker would hide anyway
    out: join(dirname(fileURLToPath(import.meta.url)), 'land.json'),
  };
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i], args[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--scale') opts.scale = value;
    else if (flag === '--tolerance') opts.tolerance = Number(value);
    else if (flag === '--min-area') opts.minArea = Number(value);
    else if (flag === '--out') opts.out = value;
    else throw new Error(`unknown option ${flag}`);
  }
  if (!['10m', '50m', '110m'].includes(opts.scale)) throw new Error(`--scale: 10m, 50m or 110m, not ${opts.scale}`);
  return opts;
}

// Douglas–Peucker on one closed ring of [lon, lat] points.
function simplify(points, tolerance) {
  if (points.length < 4) return points;
  const keep = new Uint8Array(points.length);
  keep[0] = keep[points.length - 1] = 1;
  const stack = [[0, points.length - 1]];
  while (stack.length) {
    const [first, last] = stack.pop();
    const [ax, ay] = points[first];
    const [bx, by] = points[last];
    const dx = bx - ax, dy = by - ay;
    const length = Math.hypot(dx, dy);
    let worst = -1, worstDistance = 0;
    for (let i = first + 1; i < last; ++i) {
      const [px, py] = points[i];
      const distance = length === 0 ? Math.hypot(px - ax, py - ay)
                                     : Math.abs(dy * px - dx * py + bx * ay - by * ax) / length;
      if (distance > worstDistance) { worst = i; worstDistance = distance; }
    }
    if (worst >= 0 && worstDistance > tolerance) {
      keep[worst] = 1;
      stack.push([first, worst], [worst, last]);
    }
  }
  return points.filter((_, i) => keep[i]);
}

function area(points) {
  let sum = 0;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++)
    sum += (points[j][0] - points[i][0]) * (points[j][1] + points[i][1]);
  return Math.abs(sum / 2);
}

const opts = options();
const work = mkdtempSync(join(tmpdir(), 'keel-land-'));
try {
  execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', work, WORLD_ATLAS, TOPOJSON_CLIENT, D3_GEO],
               { stdio: 'inherit' });
  const require = createRequire(join(work, 'package.json'));
  const { feature } = require('topojson-client');
  const topology = JSON.parse(readFileSync(require.resolve(`world-atlas/land-${opts.scale}.json`), 'utf8'));
  const land = feature(topology, topology.objects.land);
  // Some polygons cross the antimeridian (Chukotka, Antarctica): drawn on a plane, they
  // would streak across the map. d3-geo cuts them there (and closes Antarctica along the
  // pole) through a plate carrée in degrees; y comes out southwards, hence the minus.
  const { geoEquirectangular, geoPath } = await import(require.resolve('d3-geo'));
  const plateCarree = geoEquirectangular().scale(180 / Math.PI).translate([0, 0]).precision(0);
  const clipped = [];
  let current = null;
  geoPath(plateCarree, {
    moveTo(x, y) { current = [[x, -y]]; clipped.push(current); },
    lineTo(x, y) { current.push([x, -y]); },
    closePath() { if (current.length) current.push(current[0]); },
    arc() {},
  })(land);
  const rings = [];
  let pointsIn = 0;
  for (const ring of clipped) { // outer rings and holes (lakes, seas) alike: drawn odd-even
    pointsIn += ring.length;
    if (area(ring) < opts.minArea) continue;
    const simple = simplify(ring, opts.tolerance);
    if (simple.length < 4) continue;
    // Two decimals: ~1 km, far below a pixel at any zoom the console allows.
    rings.push(simple.flatMap(([lon, lat]) => [Math.round(lon * 100) / 100, Math.round(lat * 100) / 100]));
  }
  const pointsOut = rings.reduce((n, r) => n + r.length / 2, 0);
  const out = {
    source: `Natural Earth land ${opts.scale} (public domain), via ${WORLD_ATLAS}`,
    simplification: `Douglas-Peucker ${opts.tolerance} deg, rings under ${opts.minArea} sq deg dropped`,
    format: 'rings: closed rings of longitude,latitude pairs in degrees, flattened; fill odd-even',
    rings,
  };
  writeFileSync(opts.out, JSON.stringify(out) + '\n');
  console.log(`${opts.out}: ${rings.length} rings, ${pointsOut} points (from ${pointsIn})`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
