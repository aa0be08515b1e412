/** The supply-chain gate: which `npm audit --json` answers fail CI, pass, or only warn. */
import { describe, expect, it } from 'vitest';
import { judgeAudit } from '../../bin/audit-production.js';

/** An npm (v7+) audit report with these counts and findings. */
const report = (counts: Record<string, number>, vulnerabilities: Record<string, { severity: string; fixAvailable?: boolean }> = {}) =>
  JSON.stringify({
    auditReportVersion: 2,
    vulnerabilities,
    metadata: { vulnerabilities: { info: 0, low: 0, moderate: 0, high: 0, critical: 0, ...counts, total: Object.values(counts).reduce((a, b) => a + b, 0) } },
  });

describe('judgeAudit', () => {
  it('fails on a high or critical finding, naming the package', () => {
    // Act
    const result = judgeAudit(report({ high: 1, critical: 1 }, { 'fast-xml-parser': { severity: 'critical', fixAvailable: true }, tar: { severity: 'high' } }));

    // Assert
    expect(result.verdict).toBe('fail');
    expect(result.message).toContain('fast-xml-parser (critical, fix available)');
    expect(result.message).toContain('tar (high)');
  });

  it('passes with only moderate and low findings', () => {
    // Act
    const result = judgeAudit(report({ moderate: 2, low: 3 }, { a: { severity: 'moderate' }, b: { severity: 'low' } }));

    // Assert
    expect(result).toEqual({ verdict: 'pass', message: expect.stringContaining('5 lower ones') });
  });

  it('only warns when the audit endpoint answers with an error (what a registry without it says)', () => {
    // Arrange: what npm 11 prints when the bulk advisory endpoint answers 405
    const answer = JSON.stringify({ message: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk', statusCode: 405, error: { summary: '', detail: '' } });

    // Act
    const result = judgeAudit(answer);

    // Assert
    expect(result.verdict).toBe('unavailable');
    expect(result.message).toContain('405 Method Not Allowed');
  });

  it('only warns when npm printed nothing it could parse (offline)', () => {
    // Act
    const result = judgeAudit('');

    // Assert
    expect(result.verdict).toBe('unavailable');
  });
});
