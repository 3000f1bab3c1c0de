import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, META_CONTENT_SECURITY_POLICY } from './csp.js';
import { countChecklist } from '../test/reliability/checklist.js';

countChecklist('electron-checklist');

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...values]) => [name!, values]),
  );
}

describe('the Content-Security-Policy', () => {
  const policy = directives(CONTENT_SECURITY_POLICY);

  it('allows no eval and no inline script or style', () => {
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|unsafe-inline|wasm-unsafe-eval|strict-dynamic/);
    expect(policy.get('script-src')).toEqual(["'self'"]);
    expect(policy.get('style-src')).toEqual(["'self'"]);
  });

  it('denies by default and fetches nothing from another origin', () => {
    expect(policy.get('default-src')).toEqual(["'none'"]);
    for (const [, values] of policy) {
      for (const value of values) expect(value).toMatch(/^('self'|'none'|blob:)$/);
    }
    expect(policy.get('object-src')).toEqual(["'none'"]);
    expect(policy.get('base-uri')).toEqual(["'none'"]);
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
  });

  it('says the same in the page meta tag, less what a meta tag may not carry', () => {
    const meta = directives(META_CONTENT_SECURITY_POLICY);
    expect(meta.has('frame-ancestors')).toBe(false);
    for (const [name, values] of meta) expect(policy.get(name)).toEqual(values);
    expect(meta.size).toBe(policy.size - 1);
  });
});
