import { createHmac, createPrivateKey, createPublicKey, sign, timingSafeEqual, verify, type KeyObject } from 'node:crypto';

export type SigningAlgorithm = 'hmac-sha256' | 'ed25519';

/** Signs and verifies entry hashes. A verifier built from an Ed25519 public key cannot sign (`canSign: false`). */
export interface AuditSigner {
  algorithm: SigningAlgorithm;
  canSign: boolean;
  /** Base64 signature of the hash (hex string as UTF-8). */
  sign(hash: string): string;
  verify(hash: string, signature: string): boolean;
}

const MIN_HMAC_SECRET_LENGTH = 32;

/**
 * Reads `AUDIT_SIGNING_KEY`: an Ed25519 private key in PEM signs with Ed25519; an Ed25519 public key in PEM
 * only verifies (for an auditor who must not hold the private key); anything else is an HMAC-SHA256 secret
 * of at least 32 characters. Error messages never contain the key.
 */
export function parseSigningKey(key: string): AuditSigner {
  // Environment files often carry PEM on one line with literal "\n" (as Probot's PRIVATE_KEY does).
  const text = key.includes('-----BEGIN') ? key.replace(/\\n/g, '\n').trim() : key;
  if (text.startsWith('-----BEGIN')) return parsePem(text);
  if (text.length < MIN_HMAC_SECRET_LENGTH) {
    throw new Error(
      `AUDIT_SIGNING_KEY must be an Ed25519 key in PEM or an HMAC secret of at least ${MIN_HMAC_SECRET_LENGTH} characters; got a secret of ${text.length} characters`,
    );
  }
  return hmacSigner(text);
}

function parsePem(pem: string): AuditSigner {
  const isPublic = /-----BEGIN PUBLIC KEY-----/.test(pem);
  let keyObject: KeyObject;
  try {
    keyObject = isPublic ? createPublicKey(pem) : createPrivateKey(pem);
  } catch {
    // The crypto error text can quote parts of the input; say only what kind of thing failed.
    throw new Error(`AUDIT_SIGNING_KEY looks like PEM but is not a readable ${isPublic ? 'public' : 'private'} key`);
  }
  if (keyObject.asymmetricKeyType !== 'ed25519') {
    throw new Error(`AUDIT_SIGNING_KEY must be an Ed25519 key in PEM, got a ${keyObject.asymmetricKeyType ?? 'unknown'} key`);
  }
  return isPublic ? ed25519Verifier(keyObject) : ed25519Signer(keyObject);
}

function hmacSigner(secret: string): AuditSigner {
  const mac = (hash: string): Buffer => createHmac('sha256', secret).update(hash, 'utf8').digest();
  return {
    algorithm: 'hmac-sha256',
    canSign: true,
    sign: (hash) => mac(hash).toString('base64'),
    verify: (hash, signature) => {
      const given = Buffer.from(signature, 'base64');
      const expected = mac(hash);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}

function ed25519Signer(privateKey: KeyObject): AuditSigner {
  const publicKey = createPublicKey(privateKey);
  return {
    algorithm: 'ed25519',
    canSign: true,
    // Ed25519 takes no digest algorithm: null.
    sign: (hash) => sign(null, Buffer.from(hash, 'utf8'), privateKey).toString('base64'),
    verify: (hash, signature) => verify(null, Buffer.from(hash, 'utf8'), publicKey, Buffer.from(signature, 'base64')),
  };
}

function ed25519Verifier(publicKey: KeyObject): AuditSigner {
  return {
    algorithm: 'ed25519',
    canSign: false,
    sign: () => {
      throw new Error('AUDIT_SIGNING_KEY is an Ed25519 public key: it can verify signatures but not sign entries');
    },
    verify: (hash, signature) => verify(null, Buffer.from(hash, 'utf8'), publicKey, Buffer.from(signature, 'base64')),
  };
}
