import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditLog, publicKeyOf, segmentPath, segmentPaths, strandedSegments } from './AuditLog.ts';
import { verifyAuditLog, verifyAuditSegments } from './auditReader.ts';

/** A signed log of `n` records rotated at `maxBytes` (review ux21 #9: 4.3 KB per record, no rotation). */
function rotatedLog(n: number, maxBytes: number) {
  const dir = mkdtempSync(join(tmpdir(), 'audit-seg-'));
  const path = join(dir, 'car.jsonl');
  const keyPath = join(dir, 'k.pem');
  const opened = AuditLog.open(path, { keyPath, maxSegmentBytes: maxBytes, checkpointEvery: 7 });
  if (!opened.ok) throw new Error(opened.error.message);
  const log = opened.value.log;
  for (let i = 0; i < n; i++)
    log.append({
      tS: i * 0.1,
      inputsDigest: `d${i}`,
      command: null,
      verdict: {
        decision: 'ALLOW',
        rules: [{ rule: 'ttc', decision: 'ALLOW', values: { ttcS: i }, message: `ttc ${'x'.repeat(200)}` }],
        explanation: 'ALLOW',
      },
    });
  log.close();
  const pub = publicKeyOf(keyPath);
  if (!pub.ok) throw new Error(pub.error.message);
  return {
    dir,
    path,
    keyPath,
    head: log.headHash,
    segments: log.segments,
    publicKeyPem: pub.value.publicKeyPem,
  };
}

describe('audit log rotation into segments that verify as one chain', () => {
  it('rotates at the size asked for; the segments verify as one chain with every record', () => {
    const { path, head, segments, publicKeyPem } = rotatedLog(60, 4000);
    const files = segmentPaths(path);
    expect(segments).toBeGreaterThanOrEqual(3);
    expect(files).toHaveLength(segments);
    expect(files[1]).toBe(segmentPath(path, 1));
    expect(files[1]!.endsWith('car.0001.jsonl')).toBe(true);
    // each segment but the last stops soon after the size (one record and its closing checkpoint past it)
    for (const f of files.slice(0, -1)) expect(readFileSync(f).length).toBeLessThan(4000 + 2000);
    const r = verifyAuditSegments(files, { publicKeyPem });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.issues).toEqual([]);
    expect(r.value.ok).toBe(true);
    expect(r.value.records).toBe(60);
    expect(r.value.closed).toBe(true);
    expect(r.value.headHash).toBe(head);
    // a later segment alone verifies too, and says what it continues from
    const second = verifyAuditLog(files[1]!, { publicKeyPem });
    if (!second.ok) throw new Error(second.error.message);
    expect(second.value.ok).toBe(true);
    expect(second.value.segment?.index).toBe(1);
  });

  it('resumes in the last segment after a restart, and the chain goes on', () => {
    const { path, keyPath, publicKeyPem } = rotatedLog(30, 4000);
    const before = segmentPaths(path).length;
    const again = AuditLog.open(path, { keyPath, maxSegmentBytes: 4000 });
    if (!again.ok) throw new Error(again.error.message);
    again.value.log.append({
      tS: 99,
      inputsDigest: 'x',
      command: null,
      verdict: { decision: 'ALLOW', rules: [], explanation: 'ALLOW' },
    });
    expect(again.value.log.records).toBe(31);
    again.value.log.close();
    expect(segmentPaths(path).length).toBeGreaterThanOrEqual(before);
    const r = verifyAuditSegments(segmentPaths(path), { publicKeyPem });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.issues).toEqual([]);
    expect(r.value.records).toBe(31);
  });

  it('a segment removed, reordered, edited or cut off fails (or is refused), naming the file', () => {
    const { path, head, publicKeyPem } = rotatedLog(60, 4000);
    const files = segmentPaths(path);
    const issuesOf = (fs: string[], extra = {}) => {
      const r = verifyAuditSegments(fs, { publicKeyPem, ...extra });
      if (!r.ok) throw new Error(r.error.message);
      return r.value;
    };
    // removed from the middle
    const gap = issuesOf([files[0]!, ...files.slice(2)]);
    expect(gap.ok).toBe(false);
    expect(gap.issues.map((i) => i.kind)).toContain('chain');
    // reordered
    expect(issuesOf([files[0]!, files[2]!, files[1]!, ...files.slice(3)]).ok).toBe(false);
    // one byte edited in a middle segment
    const text = readFileSync(files[1]!, 'utf8');
    writeFileSync(files[1]!, text.replace('"tS":', '"tS": '));
    const edited = issuesOf(files);
    expect(edited.ok).toBe(false);
    expect(edited.issues[0]!.message).toMatch(/^car\.0001\.jsonl: /);
    writeFileSync(files[1]!, text);
    // the last segments cut off: the rest is a valid shorter chain, caught by the anchor kept out of band
    expect(issuesOf(files.slice(0, -1)).ok).toBe(true);
    expect(issuesOf(files.slice(0, -1), { expectHead: head }).ok).toBe(false);
    expect(issuesOf(files, { expectHead: head }).ok).toBe(true);
    // a segment file removed from the middle leaves the later ones stranded: found by name
    renameSync(files[1]!, `${files[1]}.bak`);
    expect(strandedSegments(path)).toEqual(files.slice(2));
    rmSync(`${files[1]}.bak`);
  });
});
