/**
 * Draws a RoadMapData (and optionally a route) to a PNG so a person can check an import by eye:
 * lanes filled by type, boundaries solid / dashed, crosswalks, stop lines, the route in a bright
 * colour with its start and end, a scale bar and a north arrow. Not a hot path (runs once per
 * command), so it uses @napi-rs/canvas for anti-aliased drawing.
 */
import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import { Polyline, type RoadMapData, type Vec2 } from '../../../core/index.ts';
import { drawsBoundary, laneMarks } from '../../../core/map/index.ts';

/** Painted line colours by marking colour (core RoadMarkColor), as the viewer paints them. */
const MARK_COLOURS: Record<string, string> = {
  white: '#e8e8e8',
  yellow: '#f2c200',
  blue: '#3d7dff',
  green: '#2fbf5f',
  red: '#ff3b3b',
  orange: '#ff8c1a',
  violet: '#a066ff',
  other: '#b0b0b0',
};

export interface RenderOptions {
  /** Longest image side, px. */
  maxSizePx?: number;
  /** Route as lane ids (drawn along their centrelines). */
  routeLaneIds?: string[];
  /** Route as points (e.g. the waypoints of a CARLA route), drawn as dots joined by a thin line. */
  routePoints?: Vec2[];
  /** Crop to this box around the route instead of the whole map. */
  cropToRouteM?: number;
  title?: string;
}

const FILL: Record<string, string> = {
  driving: '#4a4f57',
  shoulder: '#6b6f76',
  parking: '#56607a',
  bus: '#7a5555',
  biking: '#4f7a58',
  sidewalk: '#b9b4a8',
  aisle: '#5b6b7b',
  other: '#6b6b6b',
};

const ROUTE = '#ff2bd6';

function niceScale(m: number): number {
  const p = 10 ** Math.floor(Math.log10(m));
  for (const k of [5, 2, 1]) if (k * p <= m) return k * p;
  return p;
}

/** Renders the map to PNG bytes. */
export function renderMapPng(map: RoadMapData, o: RenderOptions = {}): Buffer {
  const maxPx = o.maxSizePx ?? 1600;
  const byId = new Map(map.lanes.map((l) => [l.id, l]));
  const routeLines: Vec2[][] = (o.routeLaneIds ?? [])
    .map((id) => byId.get(id)?.centerline)
    .filter((c): c is Vec2[] => c !== undefined);
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const grow = (p: Vec2, pad = 0): void => {
    minX = Math.min(minX, p.x - pad);
    minY = Math.min(minY, p.y - pad);
    maxX = Math.max(maxX, p.x + pad);
    maxY = Math.max(maxY, p.y + pad);
  };
  // Crop to the points when given (a trace), else to the route lanes.
  const routePts = o.routePoints && o.routePoints.length > 0 ? o.routePoints : routeLines.flat();
  if (o.cropToRouteM !== undefined && routePts.length > 0) for (const p of routePts) grow(p, o.cropToRouteM);
  else for (const l of map.lanes) for (const p of l.centerline) grow(p, l.widthM);
  const margin = 40;
  const spanX = Math.max(maxX - minX, 1);
  const spanY = Math.max(maxY - minY, 1);
  const scale = (maxPx - 2 * margin) / Math.max(spanX, spanY);
  const w = Math.ceil(spanX * scale + 2 * margin);
  const h = Math.ceil(spanY * scale + 2 * margin + 30);
  const canvas = createCanvas(w, h);
  const g = canvas.getContext('2d');
  g.fillStyle = '#20242a';
  g.fillRect(0, 0, w, h);
  // Map frame is ENU (y north): flip y so north is up.
  const X = (x: number): number => margin + (x - minX) * scale;
  const Y = (y: number): number => margin + 30 + (maxY - y) * scale;
  const path = (pts: ReadonlyArray<Vec2>, close: boolean): void => {
    g.beginPath();
    pts.forEach((p, i) => {
      if (i === 0) g.moveTo(X(p.x), Y(p.y));
      else g.lineTo(X(p.x), Y(p.y));
    });
    if (close) g.closePath();
  };
  const lanes = map.lanes.map((l) => {
    const line = new Polyline(l.centerline);
    return {
      lane: l,
      line,
      left: line.offset(l.widthM / 2).points(),
      right: line.offset(-l.widthM / 2).points(),
    };
  });
  // Fill: sidewalks first, then vehicle lanes on top.
  const order = (t: string): number => (t === 'sidewalk' ? 0 : t === 'biking' ? 1 : 2);
  for (const L of [...lanes].sort((a, b) => order(a.lane.type) - order(b.lane.type))) {
    path([...L.left, ...[...L.right].reverse()], true);
    g.fillStyle = FILL[L.lane.type] ?? FILL.other!;
    g.fill();
    g.strokeStyle = g.fillStyle;
    g.lineWidth = 0.5;
    g.stroke();
  }
  for (const c of map.crosswalks) {
    path(c.polygon, true);
    g.fillStyle = 'rgba(240,240,240,0.55)';
    g.fill();
    g.strokeStyle = '#f4f4f4';
    g.lineWidth = 1;
    g.stroke();
  }
  // Boundaries by their marking (core RoadMark): per stretch, colour, dash pattern to scale, double
  // lines side by side (the first named on the lane's side); a shared line drawn once.
  const stroke = (pts: Vec2[], widthM: number, dash: number[], colour: string): void => {
    path(pts, false);
    g.setLineDash(dash.map((d) => d * scale));
    g.strokeStyle = colour;
    g.lineWidth = Math.max(1, widthM * scale);
    g.stroke();
  };
  for (const L of lanes) {
    if (L.lane.type === 'sidewalk' || L.lane.junctionId !== undefined) continue;
    for (const side of ['left', 'right'] as const) {
      if (!drawsBoundary(L.lane, side, (id) => byId.get(id))) continue;
      const marks = laneMarks(L.lane, side);
      const sign = side === 'left' ? 1 : -1;
      const own = side === 'left' ? L.lane.leftMarks : L.lane.rightMarks;
      const n = side === 'left' ? L.lane.left : L.lane.right;
      marks.forEach((mk, i) => {
        const s0 = Math.min(mk.sM, L.line.length);
        const s1 = Math.min(marks[i + 1]?.sM ?? L.line.length, L.line.length);
        if (mk.type === 'none' || s1 - s0 < 1e-3) return;
        const w = mk.widthM ?? 0.15;
        // a map without markings of its own: the line between opposite lanes in yellow
        const colour =
          mk.type === 'curb' || mk.type === 'grass'
            ? '#9aa0a6'
            : (MARK_COLOURS[!own && n?.opposite ? 'yellow' : mk.color] ?? '#e8e8e8');
        const along = (dM: number): Vec2[] => {
          const pts: Vec2[] = [L.line.toCartesian(s0, dM)];
          for (let k = 0; k < L.line.s.length; k++)
            if (L.line.s[k]! > s0 && L.line.s[k]! < s1) pts.push(L.line.toCartesian(L.line.s[k]!, dM));
          pts.push(L.line.toCartesian(s1, dM));
          return pts;
        };
        const dashOf = (t: string) =>
          t === 'broken' ? [mk.dashM ?? 3, mk.gapM ?? 6] : t === 'botts_dots' ? [0.15, 1.05] : [];
        const edge = sign * (L.lane.widthM / 2);
        if (mk.type.includes('_') && mk.type !== 'botts_dots') {
          const [near, far] = mk.type.split('_') as [string, string];
          stroke(along(edge - sign * w), w, dashOf(near), colour);
          stroke(along(edge + sign * w), w, dashOf(far), colour);
        } else
          stroke(along(edge), mk.type === 'curb' || mk.type === 'grass' ? 0.25 : w, dashOf(mk.type), colour);
      });
    }
  }
  g.setLineDash([]);
  const byLine = new Map(lanes.map((L) => [L.lane.id, L]));
  for (const sl of map.stopLines) {
    const L = byLine.get(sl.laneId);
    if (!L) continue;
    const a = L.line.toCartesian(sl.sM, L.lane.widthM / 2);
    const b = L.line.toCartesian(sl.sM, -L.lane.widthM / 2);
    path([a, b], false);
    g.strokeStyle = sl.kind === 'signal' ? '#ff4040' : '#ffb000';
    g.lineWidth = Math.max(2, 0.4 * scale);
    g.stroke();
  }
  drawRoute(g, routeLines, o.routePoints ?? [], X, Y, scale);
  drawLegend(g, w, h, scale, margin, o.title ?? map.id);
  return canvas.toBuffer('image/png');
}

function drawRoute(
  g: SKRSContext2D,
  lines: Vec2[][],
  points: Vec2[],
  X: (x: number) => number,
  Y: (y: number) => number,
  scale: number,
): void {
  g.strokeStyle = ROUTE;
  g.lineCap = 'round';
  g.lineJoin = 'round';
  g.lineWidth = Math.max(3, 0.8 * scale);
  for (const pts of lines) {
    g.beginPath();
    pts.forEach((p, i) => {
      if (i === 0) g.moveTo(X(p.x), Y(p.y));
      else g.lineTo(X(p.x), Y(p.y));
    });
    g.stroke();
  }
  if (points.length > 0) {
    g.lineWidth = 1.5;
    g.setLineDash([4, 4]);
    g.beginPath();
    points.forEach((p, i) => {
      if (i === 0) g.moveTo(X(p.x), Y(p.y));
      else g.lineTo(X(p.x), Y(p.y));
    });
    g.stroke();
    g.setLineDash([]);
    g.fillStyle = ROUTE;
    for (const p of points) {
      g.beginPath();
      g.arc(X(p.x), Y(p.y), 3, 0, 2 * Math.PI);
      g.fill();
    }
  }
  const all = [...lines.flat(), ...points];
  const first = lines[0]?.[0] ?? points[0];
  const lastLine = lines[lines.length - 1];
  const last = points[points.length - 1] ?? lastLine?.[lastLine.length - 1];
  if (all.length === 0 || !first || !last) return;
  for (const [p, c, label] of [
    [first, '#3ddc84', 'start'],
    [last, '#ff5252', 'end'],
  ] as const) {
    g.beginPath();
    g.arc(X(p.x), Y(p.y), 7, 0, 2 * Math.PI);
    g.fillStyle = c;
    g.fill();
    g.strokeStyle = '#000';
    g.lineWidth = 1.5;
    g.stroke();
    g.fillStyle = '#fff';
    g.font = 'bold 13px sans-serif';
    g.fillText(label, X(p.x) + 9, Y(p.y) - 9);
  }
}

function drawLegend(
  g: SKRSContext2D,
  w: number,
  h: number,
  scale: number,
  margin: number,
  title: string,
): void {
  g.fillStyle = '#fff';
  g.font = 'bold 16px sans-serif';
  g.fillText(title, margin, 26);
  const titleW = g.measureText(title).width;
  // Scale bar (bottom left).
  const meters = niceScale((0.2 * w) / scale);
  const px = meters * scale;
  const y0 = h - 18;
  g.strokeStyle = '#fff';
  g.lineWidth = 3;
  g.beginPath();
  g.moveTo(margin, y0);
  g.lineTo(margin + px, y0);
  g.stroke();
  g.font = '13px sans-serif';
  g.fillText(`${meters} m`, margin + px + 8, y0 + 4);
  // North arrow (top right): map y is north.
  const cx = w - margin;
  const cy = 30;
  g.beginPath();
  g.moveTo(cx, cy - 16);
  g.lineTo(cx - 8, cy + 8);
  g.lineTo(cx, cy + 3);
  g.lineTo(cx + 8, cy + 8);
  g.closePath();
  g.fillStyle = '#fff';
  g.fill();
  g.font = 'bold 13px sans-serif';
  g.fillText('N', cx - 4, cy + 24);
  // Legend.
  const items: [string, string][] = [
    ['driving', FILL.driving!],
    ['shoulder', FILL.shoulder!],
    ['parking', FILL.parking!],
    ['biking', FILL.biking!],
    ['sidewalk', FILL.sidewalk!],
    ['crosswalk', 'rgba(240,240,240,0.55)'],
    ['stop line', '#ff4040'],
    ['route', ROUTE],
  ];
  let x = margin + titleW + 24;
  g.font = '12px sans-serif';
  for (const [name, c] of items) {
    g.fillStyle = c;
    g.fillRect(x, 14, 14, 14);
    g.fillStyle = '#ddd';
    g.fillText(name, x + 18, 26);
    x += 18 + g.measureText(name).width + 14;
  }
}
