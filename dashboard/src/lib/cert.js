// X.509 certificates as the dashboard shows them: DER -> the fields a person reads
// (subject, issuer, names, serial, validity, key and signature algorithms, and the
// X.509 (2019) §9.8 alternative-signature extensions TrustChain adds for FALCON-1024),
// and PEM export. Decoding is @peculiar/asn1-x509's (the ASN.1 layer of @peculiar/x509,
// used directly because @peculiar/x509 itself needs a reflect-metadata polyfill).
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier, Certificate, SubjectAlternativeName, SubjectPublicKeyInfo,
} from '@peculiar/asn1-x509';

/** Extension OIDs the page names. */
export const OID = {
  subjectAltName: '2.5.29.17',
  altSubjectPublicKeyInfo: '2.5.29.72',
  altSignatureAlgorithm: '2.5.29.73',
  altSignatureValue: '2.5.29.74',
};

/** Names of the algorithm, curve, attribute and extension OIDs a TrustChain certificate uses. */
const OID_NAMES = {
  '1.2.840.10045.2.1': 'EC public key',
  '1.2.840.10045.3.1.7': 'P-256',
  '1.3.132.0.34': 'P-384',
  '1.2.840.10045.4.3.2': 'ECDSA with SHA-256',
  '1.2.840.10045.4.3.3': 'ECDSA with SHA-384',
  '1.3.101.112': 'Ed25519',
  '1.2.840.113549.1.1.1': 'RSA',
  '1.2.840.113549.1.1.11': 'RSA with SHA-256',
  '1.3.9999.3.14': 'FALCON-1024',
  '2.5.4.3': 'CN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.29.14': 'subjectKeyIdentifier',
  '2.5.29.15': 'keyUsage',
  '2.5.29.17': 'subjectAltName',
  '2.5.29.19': 'basicConstraints',
  '2.5.29.35': 'authorityKeyIdentifier',
  '2.5.29.37': 'extKeyUsage',
  '2.5.29.72': 'subjectAltPublicKeyInfo',
  '2.5.29.73': 'altSignatureAlgorithm',
  '2.5.29.74': 'altSignatureValue',
};

/** A readable name for an OID, with the OID itself when it has none. */
export const oidName = (oid) => (OID_NAMES[oid] ? `${OID_NAMES[oid]} (${oid})` : oid);

/** Why a certificate could not be decoded. */
export class CertificateError extends Error {
  constructor(message) {
    super(message);
    this.name = 'CertificateError';
  }
}

const hex = (buf) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');

/** An AttributeTypeAndValue's value as text (DirectoryString choices, else hex). */
function attributeText(value) {
  for (const key of ['utf8String', 'printableString', 'ia5String', 'teletexString', 'bmpString', 'universalString']) {
    if (typeof value?.[key] === 'string') return value[key];
  }
  if (value?.anyValue) return `#${hex(value.anyValue)}`;
  return String(value);
}

/** A Name as `CN=…, O=…` in certificate order. */
function nameText(name) {
  return name
    .map((rdn) => rdn.map((atv) => `${OID_NAMES[atv.type] ?? atv.type}=${attributeText(atv.value)}`).join('+'))
    .join(', ');
}

/** A DER OBJECT IDENTIFIER TLV (short length, as curve parameters are) in dotted form. */
function decodeOid(bytes) {
  const body = bytes.subarray(2, 2 + bytes[1]);
  const parts = [];
  let value = 0;
  for (const b of body) {
    value = value * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      if (parts.length === 0) parts.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

/**
 * Decodes a DER certificate (bytes) into the fields the page shows. Throws
 * CertificateError on anything that is not one X.509 certificate.
 */
export function decodeCertificate(der) {
  let cert;
  try {
    cert = AsnConvert.parse(der, Certificate);
  } catch (e) {
    throw new CertificateError(`not a DER X.509 certificate: ${e.message}`);
  }
  const tbs = cert.tbsCertificate;
  const extensions = (tbs.extensions ?? []).map((e) => ({
    oid: e.extnID,
    name: OID_NAMES[e.extnID] ?? e.extnID,
    critical: Boolean(e.critical),
    value: new Uint8Array(e.extnValue.buffer ?? e.extnValue),
  }));
  const ext = (oid) => extensions.find((e) => e.oid === oid);

  const dnsNames = [];
  const otherNames = [];
  const san = ext(OID.subjectAltName);
  if (san) {
    for (const name of AsnConvert.parse(san.value, SubjectAlternativeName)) {
      if (name.dNSName) dnsNames.push(name.dNSName);
      else if (name.iPAddress) otherNames.push(`IP:${name.iPAddress}`);
      else if (name.uniformResourceIdentifier) otherNames.push(`URI:${name.uniformResourceIdentifier}`);
      else if (name.rfc822Name) otherNames.push(`email:${name.rfc822Name}`);
    }
  }

  const keyAlg = tbs.subjectPublicKeyInfo.algorithm;
  const publicKey = { oid: keyAlg.algorithm, name: OID_NAMES[keyAlg.algorithm] ?? keyAlg.algorithm };
  if (keyAlg.parameters && new Uint8Array(keyAlg.parameters)[0] === 0x06) {
    const curve = decodeOid(new Uint8Array(keyAlg.parameters));
    publicKey.curve = OID_NAMES[curve] ?? curve;
  }

  let alternative = null;
  const altSpki = ext(OID.altSubjectPublicKeyInfo);
  const altAlg = ext(OID.altSignatureAlgorithm);
  const altValue = ext(OID.altSignatureValue);
  if (altSpki || altAlg || altValue) {
    alternative = { publicKey: null, signatureAlgorithm: null, signatureLength: null };
    if (altSpki) {
      const spki = AsnConvert.parse(altSpki.value, SubjectPublicKeyInfo);
      alternative.publicKey = {
        oid: spki.algorithm.algorithm,
        name: OID_NAMES[spki.algorithm.algorithm] ?? spki.algorithm.algorithm,
        length: spki.subjectPublicKey.byteLength,
      };
    }
    if (altAlg) {
      const alg = AsnConvert.parse(altAlg.value, AlgorithmIdentifier);
      alternative.signatureAlgorithm = { oid: alg.algorithm, name: OID_NAMES[alg.algorithm] ?? alg.algorithm };
    }
    if (altValue) {
      // BIT STRING: tag, length (short or long form), unused-bits octet, then the signature.
      const v = altValue.value;
      const lenOctets = v[1] & 0x80 ? 1 + (v[1] & 0x7f) : 1;
      alternative.signatureLength = v.length - 1 - lenOctets - 1;
    }
  }

  const sigAlg = cert.signatureAlgorithm.algorithm;
  return {
    version: tbs.version + 1,
    serial: hex(tbs.serialNumber),
    subject: nameText(tbs.subject),
    issuer: nameText(tbs.issuer),
    notBefore: tbs.validity.notBefore.getTime(),
    notAfter: tbs.validity.notAfter.getTime(),
    dnsNames,
    otherNames,
    publicKey,
    signatureAlgorithm: { oid: sigAlg, name: OID_NAMES[sigAlg] ?? sigAlg },
    alternative,
    extensions: extensions.map(({ oid, name, critical, value }) => ({ oid, name, critical, length: value.length })),
  };
}

/** DER bytes as a PEM `CERTIFICATE` block (64-character lines, trailing newline). */
export function toPem(der) {
  let binary = '';
  for (const b of der) binary += String.fromCharCode(b);
  const b64 = btoa(binary);
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
