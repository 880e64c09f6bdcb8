/**
 * esmini's `--csv_logger` output (CSV_Logger in esmini's CommonMini.cpp) read into one track per
 * entity. Each data row is `Index, TimeStamp,` then 31 fields per entity in the scene: name, id,
 * speed, wheel angle, wheel rotation, bounding-box centre x / y / z and length / width / height,
 * world x / y / z, velocity and acceleration x / y / z, road s, t, lane id, lane offset, heading,
 * heading rate, relative headings (two), pitch, road curvature, collision ids. The row is written
 * where `--record` writes its .dat frame (ScenarioPlayer::Frame), so its times are dat2csv's.
 */

/** Fields per entity in a CSV_Logger row. */
const FIELDS_PER_ENTITY = 31;

/** One logged state of one entity, at its reference point (the rear axle for vehicles). */
export interface EsminiSample {
  tS: number;
  x: number;
  y: number;
  /** World heading as esmini logs it (GetH, [0, 2π)), rad. */
  headingRad: number;
  /** Signed speed (negative when reversing), m/s. */
  speedMps: number;
  /** Bounding-box centre relative to the reference point, in the entity frame, m. */
  bbXM: number;
  bbYM: number;
}

export interface EsminiCsv {
  /** esmini's `GIT REV` header line (which build produced the file). */
  gitRev: string;
  /** Samples per entity name, in time order. */
  tracks: Map<string, EsminiSample[]>;
}

/** Parses CSV_Logger text; rows with a field that is not a number where one is due are skipped. */
export function parseEsminiCsv(text: string): EsminiCsv {
  const tracks = new Map<string, EsminiSample[]>();
  let gitRev = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('esmini GIT REV:')) gitRev = line.slice('esmini GIT REV:'.length).trim();
    const f = line.split(',').map((s) => s.trim());
    // header lines and the column-title row do not start with an integer index
    if (f.length < 2 + FIELDS_PER_ENTITY || !/^\d+$/.test(f[0]!)) continue;
    const tS = Number(f[1]);
    if (!Number.isFinite(tS)) continue;
    for (let k = 2; k + FIELDS_PER_ENTITY <= f.length; k += FIELDS_PER_ENTITY) {
      const name = f[k]!;
      const num = (i: number) => Number(f[k + i]);
      const sample: EsminiSample = {
        tS,
        x: num(11),
        y: num(12),
        headingRad: num(24),
        speedMps: num(2),
        bbXM: num(5),
        bbYM: num(6),
      };
      if (![sample.x, sample.y, sample.headingRad, sample.speedMps].every(Number.isFinite)) continue;
      const t = tracks.get(name);
      if (t) t.push(sample);
      else tracks.set(name, [sample]);
    }
  }
  return { gitRev, tracks };
}
