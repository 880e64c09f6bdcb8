import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRosConfig } from './RosConfig.ts';

describe('loadRosConfig map path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'roscfg-'));
  mkdirSync(join(dir, 'cfg'));
  const write = (name: string, text: string) => {
    const p = join(dir, 'cfg', name);
    writeFileSync(p, text);
    return p;
  };

  it("takes a relative map path from the config file's folder, not the working directory", () => {
    // review 14 L3: `map: straight_500m.xodr` beside the YAML gave "no such file" from elsewhere
    const c = loadRosConfig(write('rel.yaml', 'map: maps/straight_500m.xodr\n'));
    expect(c.ok && c.value.map).toBe(join(dir, 'cfg', 'maps', 'straight_500m.xodr'));
  });

  it('leaves builtin references, absolute paths and a --map override as they are', () => {
    const b = loadRosConfig(write('builtin.yaml', 'map: builtin:cut_in\n'));
    expect(b.ok && b.value.map).toBe('builtin:cut_in');
    const a = loadRosConfig(write('abs.yaml', 'map: /srv/maps/site.osm\n'));
    expect(a.ok && a.value.map).toBe('/srv/maps/site.osm');
    const o = loadRosConfig(write('over.yaml', 'map: here.xodr\n'), undefined, { map: 'there.xodr' });
    expect(o.ok && o.value.map).toBe('there.xodr');
  });
});
