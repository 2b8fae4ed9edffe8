import { readFileSync } from 'node:fs';
import { parseSigningKey, type AuditSigner } from '../audit/signing.js';
import { UsageError } from './cli-io.js';

/**
 * The key that checks signatures: `--key-file PATH` (an Ed25519 public key in PEM, or the HMAC secret),
 * else AUDIT_SIGNING_KEY, else none (hashes only). One trailing line break in the file is ignored, since
 * editors and `echo` add one. Messages never contain the key.
 */
export function readSigner(options: { keyFile: string | undefined; env: NodeJS.ProcessEnv }): AuditSigner | undefined {
  if (options.keyFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(options.keyFile, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
      throw new UsageError(`--key-file ${options.keyFile} cannot be read (${code})`);
    }
    return parseKey(text.replace(/\r?\n$/, ''), `--key-file ${options.keyFile}`);
  }
  const key = options.env.AUDIT_SIGNING_KEY;
  return key ? parseKey(key, 'AUDIT_SIGNING_KEY') : undefined;
}

function parseKey(text: string, source: string): AuditSigner {
  try {
    return parseSigningKey(text);
  } catch (error) {
    // parseSigningKey names AUDIT_SIGNING_KEY; say where this key actually came from.
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(message.replace(/^AUDIT_SIGNING_KEY/, source));
  }
}
