import crypto from 'node:crypto';
import { badInput } from '../core/errors';
import { prefixOf, typeOfId } from '../core/ids';

/**
 * The `careEvents` cursor: for each patient on the caller's panel, the last
 * `sequence` of that patient the caller has been given (or passed over, as
 * not theirs to see). Opaque to clients; compact: base64url of
 *
 *     version (1 byte) · per patient, in id order: its id's 16 bytes, the sequence as an unsigned LEB128 varint
 *     · check (8 bytes)
 *
 * about 18 bytes a patient, so a panel of 50 patients makes a cursor of some
 * 1,200 characters. The check is the start of SHA-256 over the caller's
 * provider id and the rest, so a cursor that was cut, edited, made up, or
 * handed out to someone else is refused (BAD_USER_INPUT on `afterCursor`). It
 * is an integrity check, not a secret: what a cursor can yield is decided
 * on every read by the membership rule (docs/contract.md, "One live feed").
 */
export type CarePositions = ReadonlyMap<string, number>;

const VERSION = 1;
const ID_BYTES = 16;
const CHECK_BYTES = 8;
const MAX_SEQUENCE = 2_147_483_647;

export function encodeCareCursor(providerId: string, positions: CarePositions): string {
  const ids = [...positions.keys()].sort();
  const parts: Buffer[] = [Buffer.from([VERSION])];
  for (const id of ids) {
    if (typeOfId(id) !== 'Patient') throw new Error('careEvents cursors hold patient ids only');
    parts.push(Buffer.from(id.slice(-2 * ID_BYTES), 'hex'), varint(positions.get(id)!));
  }
  const body = Buffer.concat(parts);
  return Buffer.concat([body, check(providerId, body)]).toString('base64url');
}

/** The positions a cursor carries; BAD_USER_INPUT on `afterCursor` for anything this hub did not hand to this caller. */
export function decodeCareCursor(providerId: string, cursor: string): Map<string, number> {
  const refuse = () => badInput('afterCursor', 'afterCursor is not a cursor that careEvents or careEventsCursor gave you');
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw refuse();
  const bytes = Buffer.from(cursor, 'base64url');
  if (bytes.length < 1 + CHECK_BYTES || bytes[0] !== VERSION) throw refuse();
  const body = bytes.subarray(0, bytes.length - CHECK_BYTES);
  if (!crypto.timingSafeEqual(bytes.subarray(body.length), check(providerId, body))) throw refuse();
  const positions = new Map<string, number>();
  const prefix = prefixOf('Patient');
  let previous = '';
  for (let at = 1; at < body.length;) {
    if (at + ID_BYTES >= body.length) throw refuse();
    const hex = body.subarray(at, at + ID_BYTES).toString('hex');
    at += ID_BYTES;
    let sequence = 0;
    let shift = 0;
    for (;;) {
      if (at >= body.length || shift > 28) throw refuse();
      const byte = body[at++];
      sequence += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if (byte < 0x80) break;
    }
    if (hex <= previous || sequence > MAX_SEQUENCE) throw refuse(); // ids strictly ascending, as encoded
    previous = hex;
    positions.set(`${prefix}_${hex}`, sequence);
  }
  return positions;
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    bytes.push(byte);
  } while (value > 0);
  return Buffer.from(bytes);
}

function check(providerId: string, body: Buffer): Buffer {
  return crypto.createHash('sha256').update(`careEvents/${providerId}/`).update(body).digest().subarray(0, CHECK_BYTES);
}
