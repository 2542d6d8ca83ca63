import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, headersFile, securityHeaders } from './csp';

/** "a b; c d" -> { a: ['b'], c: ['d'] } */
function directives(policy: string): Record<string, string[]> {
  return Object.fromEntries(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name, values]),
  );
}

describe.each([false, true])('security policy (dev: %s)', (dev) => {
  const meta = directives(contentSecurityPolicy({ dev }));
  const headers = securityHeaders({ dev });
  const header = directives(headers['Content-Security-Policy'] ?? '');

  it('keeps every connection on the app origin', () => {
    expect(meta['connect-src']).toEqual(["'self'"]);
    expect(header['connect-src']).toEqual(["'self'"]);
    expect(meta['default-src']).toEqual(["'self'"]);
  });

  it('allows WebAssembly and same-origin workers, and inline scripts only in dev', () => {
    expect(meta['script-src']).toEqual(["'self'", "'wasm-unsafe-eval'", ...(dev ? ["'unsafe-inline'"] : [])]);
    expect(meta['worker-src']).toEqual(["'self'", 'blob:']);
  });

  it('has no base URL, plugins or forms', () => {
    expect(meta['base-uri']).toEqual(["'none'"]);
    expect(meta['object-src']).toEqual(["'none'"]);
    expect(meta['form-action']).toEqual(["'none'"]);
  });

  it('forbids framing in the header, which a meta tag cannot carry', () => {
    expect(header['frame-ancestors']).toEqual(["'none'"]);
    expect(meta['frame-ancestors']).toBeUndefined();
    const rest = { ...header };
    delete rest['frame-ancestors'];
    expect(rest).toEqual(meta); // otherwise the same policy
  });

  it('sends exactly the security headers', () => {
    expect(headers).toEqual({
      'Content-Security-Policy': `${contentSecurityPolicy({ dev })}; frame-ancestors 'none'`,
      'X-Frame-Options': 'DENY',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Permissions-Policy': 'camera=(self), microphone=(), geolocation=()',
      'Cross-Origin-Opener-Policy': 'same-origin',
    });
  });
});

describe('_headers file', () => {
  it('applies every header to every path', () => {
    const headers = securityHeaders({ dev: false });
    const lines = headersFile(headers).split('\n');
    expect(lines[0]).toBe('/*');
    expect(lines.slice(1, -1)).toEqual(Object.entries(headers).map(([k, v]) => `  ${k}: ${v}`));
    expect(lines.at(-1)).toBe('');
  });
});

describe('docs/deploy-headers.md', () => {
  const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'deploy-headers.md'), 'utf8');
  const headers = Object.entries(securityHeaders({ dev: false }));

  it('gives the built headers for nginx and Apache, unchanged', () => {
    for (const [name, value] of headers) {
      expect(doc).toContain(`add_header ${name} "${value}" always;`);
      expect(doc).toContain(`Header always set ${name} "${value}"`);
    }
    expect(doc.match(/^add_header /gm)).toHaveLength(headers.length);
    expect(doc.match(/^Header always set /gm)).toHaveLength(headers.length);
  });
});
