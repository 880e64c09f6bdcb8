import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importFile } from './index.ts';
import { xmlSyntaxError } from './xmlSyntax.ts';

const dir = mkdtempSync(join(tmpdir(), 'xmlsyntax-'));

describe('xmlSyntaxError: DOCTYPEs with entity declarations (review ux21 #12)', () => {
  it('refuses an internal subset with its line, and says why', () => {
    const xxe =
      '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<OpenSCENARIO/>';
    const e = xmlSyntaxError(xxe, 'f.xosc');
    expect(e?.path).toBe('f.xosc:2:1');
    expect(e?.message).toMatch(/DOCTYPE with an internal subset .* is refused/);
    const laughs =
      '<!-- c -->\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>\n<commonRoad id="&lol2;"/>';
    expect(xmlSyntaxError(laughs, 'f.xml')?.path).toBe('f.xml:2:1');
  });

  it('lets a bare DOCTYPE and a file without one pass', () => {
    expect(
      xmlSyntaxError('<?xml version="1.0"?>\n<!DOCTYPE OpenSCENARIO>\n<OpenSCENARIO/>', 'f'),
    ).toBeUndefined();
    expect(xmlSyntaxError('<OpenSCENARIO><x a="[<!DOCTYPE r [">]</x></OpenSCENARIO>', 'f')).toBeUndefined();
  });

  it('an .xosc with an external entity is refused by the importer with that message, not "found <OpenSCENARIO>"', () => {
    const p = join(dir, 'xxe.xosc');
    writeFileSync(
      p,
      '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<OpenSCENARIO><FileHeader description="&x;"/></OpenSCENARIO>\n',
    );
    const r = importFile(p);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.message).toMatch(/DOCTYPE/);
      expect(r.error.message).not.toMatch(/found <OpenSCENARIO>/);
    }
  });
});
