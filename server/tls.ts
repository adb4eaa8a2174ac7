import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import path from 'node:path';
import { generate } from 'selfsigned';
import type { TlsConfig } from './config.js';

export interface TlsMaterial {
  key: string;
  cert: string;
  /** SHA-256 fingerprint, as browsers show it, so the owner can check the certificate on first visit. */
  fingerprint: string;
}

/**
 * The certificate to serve, or null for plain HTTP. In self-signed mode one ECDSA certificate is made on
 * first start and kept in <data>/tls, naming this machine, localhost and every current address.
 */
export async function loadTls(tls: TlsConfig, dataDir: string): Promise<TlsMaterial | null> {
  switch (tls.mode) {
    case 'off':
      return null;
    case 'files':
      return withFingerprint(readFileSync(tls.keyPath, 'utf8'), readFileSync(tls.certPath, 'utf8'));
    case 'self-signed': {
      const dir = path.join(dataDir, 'tls');
      const keyPath = path.join(dir, 'self-signed.key');
      const certPath = path.join(dir, 'self-signed.crt');
      if (!existsSync(keyPath) || !existsSync(certPath)) {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        const { key, cert } = await makeSelfSigned();
        writeAtomically(keyPath, key, 0o600);
        writeAtomically(certPath, cert, 0o644);
      }
      return withFingerprint(readFileSync(keyPath, 'utf8'), readFileSync(certPath, 'utf8'));
    }
  }
}

function withFingerprint(key: string, cert: string): TlsMaterial {
  return { key, cert, fingerprint: new X509Certificate(cert).fingerprint256 };
}

function writeAtomically(file: string, content: string, mode: number) {
  writeFileSync(`${file}.tmp`, content, { mode });
  renameSync(`${file}.tmp`, file);
}

async function makeSelfSigned(): Promise<{ key: string; cert: string }> {
  const name = hostname().toLowerCase();
  const ips = Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .map((info) => info.address.replace(/%.*$/, ''));
  const notBefore = new Date(Date.now() - 60_000);
  const pems = await generate([{ name: 'commonName', value: `Vigil on ${name}` }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: notBefore,
    notAfterDate: new Date(notBefore.getTime() + 10 * 365 * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 2, value: name },
          { type: 2, value: `${name}.local` },
          ...[...new Set(['127.0.0.1', '::1', ...ips])].map((ip) => ({ type: 7 as const, ip })),
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}
