// What a thief of the signing key can make: QR tokens and credentials signed with the service's
// real private key (read from its key directory) but with claims of the thief's choosing, for
// the verdict tests (docs/certificates.md, "Trust model"). Written from the published formats
// with generic libraries (cbor2, @noble/curves, jose), not with the service's code.
import { readFileSync } from 'node:fs';
import { createPrivateKey } from 'node:crypto';
import path from 'node:path';
import * as jose from 'jose';
import { decode as cborDecode, encode as cborEncode, Tag } from 'cbor2';
import { ed25519 } from '@noble/curves/ed25519';

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Encode(bytes) {
  let bits = 0, value = 0, out = '';
  for (const b of bytes) {
    value = ((value << 8) | b) & 0xffff;
    bits += 8;
    while (bits >= 5) { bits -= 5; out += B32[(value >> bits) & 31]; }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(s) {
  let bits = 0, value = 0;
  const out = [];
  for (const ch of s.toUpperCase()) {
    const v = B32.indexOf(ch);
    if (v < 0) throw new Error(`not base32: ${ch}`);
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) { bits -= 8; out.push((value >> bits) & 0xff); }
  }
  return new Uint8Array(out);
}

// The PEM of key kid in a data directory (keys/<kid>.pem).
export function keyPem(dataDir, kid) {
  return readFileSync(path.join(dataDir, 'keys', `${kid}.pem`), 'utf8');
}

// The 32-byte Ed25519 seed of a PKCS#8 PEM (the last 32 bytes of its DER).
function seedOf(pem) {
  const der = createPrivateKey(pem).export({ format: 'der', type: 'pkcs8' });
  return new Uint8Array(der.subarray(der.length - 32));
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

// The 10 raw bytes of a serial ("UJK-XXXX-XXXX-XXXX-XXXX-C"): its 16 data characters.
function serialBytes(serial) {
  const digits = serial.replace(/^UJK-/, '').replace(/-/g, '').slice(0, 16);
  let acc = 0n;
  for (const ch of digits) acc = (acc << 5n) | BigInt(CROCKFORD.indexOf(ch));
  const out = new Uint8Array(10);
  for (let i = 9; i >= 0; i--) { out[i] = Number(acc & 0xffn); acc >>= 8n; }
  return out;
}

// The QR token `token` re-signed with pem after changing its claims: changes maps the
// claim numbers (1 serial, 2 holder, 3 subsector, 4 scheme, 5 issue day, 6 expiry day) to
// new values (a serial as its text).
export function forgeQr(token, pem, changes) {
  const top = cborDecode(base32Decode(token));
  if (!(top instanceof Tag) || Number(top.tag) !== 18) throw new Error('not a COSE_Sign1');
  const [prot, , payload] = top.contents;
  const claims = cborDecode(payload, { preferMap: true });
  for (const [k, v] of Object.entries(changes)) claims.set(Number(k), Number(k) === 1 ? serialBytes(v) : v);
  const body = cborEncode(claims);
  const tbs = cborEncode(['Signature1', prot, new TextEncoder().encode('ujikom-cert-qr/1'), body]);
  const sig = ed25519.sign(tbs, seedOf(pem));
  return base32Encode(cborEncode(new Tag(18, [prot, new Map(), body, sig])));
}

// The credential `jws` re-signed with pem after edit(payload) changed its payload.
export async function forgeCredential(jws, pem, edit) {
  const header = jose.decodeProtectedHeader(jws);
  const payload = jose.decodeJwt(jws);
  edit(payload);
  const key = await jose.importPKCS8(pem, 'EdDSA');
  return new jose.CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: header.alg, kid: header.kid, typ: header.typ })
    .sign(key);
}

// The credential's serial and holder changed (either may be undefined: unchanged).
export function renamed({ serial, holder }) {
  return (p) => {
    if (serial) { p.jti = `urn:ujikom:cert:${serial}`; p.vc.id = p.jti; }
    if (holder) p.vc.credentialSubject.name = holder;
  };
}

// A random serial with a valid check character (Crockford base32, Luhn mod 32), never issued.
export function randomSerial() {
  const A = CROCKFORD;
  const chars = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => A[b & 31]);
  let factor = 2, sum = 0;
  for (let i = chars.length - 1; i >= 0; i--) {
    let addend = factor * A.indexOf(chars[i]);
    factor = factor === 2 ? 1 : 2;
    addend = Math.floor(addend / 32) + (addend % 32);
    sum += addend;
  }
  const check = A[(32 - (sum % 32)) % 32];
  const g = chars.join('').match(/.{4}/g);
  return `UJK-${g.join('-')}-${check}`;
}
