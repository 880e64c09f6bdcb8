/** Colours of the viewer, in one place (sRGB hex). Chosen for contrast on a dark ground. */
export const PALETTE = {
  background: 0x1b1f24,
  ground: 0x24302a,
  road: 0x50555d,
  sidewalk: 0x8b9097,
  shoulder: 0x5d6169,
  otherLane: 0x575b63,
  crosswalk: 0xd8d8d8,
  lineWhite: 0xeeeeee,
  lineCurb: 0xa9adb3,
  lineCentre: 0xf2c200,
  lineGrass: 0x5c8a3a,
  /** Painted lines by their marking colour (core RoadMarkColor). */
  marks: {
    white: 0xeeeeee,
    yellow: 0xf2c200,
    blue: 0x3d7dff,
    green: 0x2fbf5f,
    red: 0xff3b3b,
    orange: 0xff8c1a,
    violet: 0xa066ff,
    other: 0xb0b0b0,
  },
  stopLine: 0xffffff,
  ego: 0xff7a00,
  egoRoof: 0x9c4a00,
  plan: 0x00e0ff,
  refPath: 0x7cfc9b,
  veto: 0xff2d2d,
  select: 0xffffff,
  kinds: {
    vehicle: 0x4a90e2,
    pedestrian: 0xffd60a,
    cyclist: 0x2ec4b6,
    robot: 0xb084f5,
    static: 0x9aa5b1,
  },
  signal: { RED: 0xff3030, YELLOW: 0xffc400, GREEN: 0x22dd55, UNKNOWN: 0x888888 },
} as const;

/** Agent kinds in the order of the instanced meshes. */
export const KINDS = ['vehicle', 'pedestrian', 'cyclist', 'robot', 'static'] as const;
export type Kind = (typeof KINDS)[number];

/** Drawn heights per kind, m (typical car 1.5 m, adult 1.75 m; shapes only, not used in logic). */
export const KIND_HEIGHT_M: Record<Kind, number> = {
  vehicle: 1.6,
  pedestrian: 1.8,
  cyclist: 1.7,
  robot: 1.2,
  static: 1.8,
};

export const kindIndex = (k: string): number => {
  switch (k) {
    case 'vehicle':
      return 0;
    case 'pedestrian':
      return 1;
    case 'cyclist':
      return 2;
    case 'robot':
      return 3;
    default:
      return 4;
  }
};

export const css = (hex: number): string => `#${hex.toString(16).padStart(6, '0')}`;
