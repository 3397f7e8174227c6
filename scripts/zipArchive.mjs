// A small zip reader/writer (stored and deflated entries, no zip64, no encryption) on node:zlib, for
// scripts/vsixAddTsPlugin.mjs: a .vsix is a zip, and `vsce package --no-dependencies` cannot put
// anything under the extension's node_modules/. Tested in test/unit/scripts/zipArchive.test.ts.
import { deflateRawSync, inflateRawSync } from 'node:zlib';

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE) of `data`, as zip stores it. */
export function crc32(data) {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** An empty archive (just the end-of-central-directory record). */
export function emptyZip() {
  const b = Buffer.alloc(22);
  b.writeUInt32LE(EOCD, 0);
  return b;
}

/**
 * The entries of an archive, from its central directory: name, compression method, CRC, sizes,
 * DOS time/date, and the raw (still compressed) bytes.
 */
export function listZip(buf) {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip archive (no end-of-central-directory record)');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries = [];
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(p) !== CENTRAL) throw new Error(`bad central directory record at ${p}`);
    const method = buf.readUInt16LE(p + 10);
    const time = buf.readUInt16LE(p + 12);
    const date = buf.readUInt16LE(p + 14);
    const crc = buf.readUInt32LE(p + 16);
    const compressedSize = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLength = buf.readUInt16LE(p + 28);
    const extraLength = buf.readUInt16LE(p + 30);
    const commentLength = buf.readUInt16LE(p + 32);
    const externalAttributes = buf.readUInt32LE(p + 38);
    const localOffset = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLength);
    if (buf.readUInt32LE(localOffset) !== LOCAL) throw new Error(`bad local header for ${name}`);
    const dataStart = localOffset + 30 + buf.readUInt16LE(localOffset + 26) + buf.readUInt16LE(localOffset + 28);
    entries.push({ name, method, time, date, crc, compressedSize, size, externalAttributes, raw: buf.subarray(dataStart, dataStart + compressedSize) });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The uncompressed bytes of one entry of listZip(); checks its CRC. */
export function entryData(entry) {
  const data = entry.method === 0 ? Buffer.from(entry.raw) : entry.method === 8 ? inflateRawSync(entry.raw) : undefined;
  if (!data) throw new Error(`${entry.name}: compression method ${entry.method} is not supported`);
  if (data.length !== entry.size || crc32(data) !== entry.crc) throw new Error(`${entry.name}: size or CRC mismatch`);
  return data;
}

function dosTime(d) {
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
    date: ((d.getFullYear() - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

/** A new entry (deflated), in listZip()'s form. */
export function makeEntry(name, data, when = new Date()) {
  const raw = deflateRawSync(data, { level: 9 });
  const { time, date } = dosTime(when);
  return { name, method: 8, time, date, crc: crc32(data), compressedSize: raw.length, size: data.length, externalAttributes: 0, raw };
}

/** Writes entries (listZip()'s form) as a fresh archive: local headers, data, central directory. */
export function writeZip(entries) {
  const parts = [];
  const central = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    local.writeUInt16LE(0x0800, 6); // UTF-8 names; sizes are in the header (no data descriptor)
    local.writeUInt16LE(e.method, 8);
    local.writeUInt16LE(e.time, 10);
    local.writeUInt16LE(e.date, 12);
    local.writeUInt32LE(e.crc, 14);
    local.writeUInt32LE(e.compressedSize, 18);
    local.writeUInt32LE(e.size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(CENTRAL, 0);
    cd.writeUInt16LE(20, 4); // made by: MS-DOS, 2.0
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(0x0800, 8);
    cd.writeUInt16LE(e.method, 10);
    cd.writeUInt16LE(e.time, 12);
    cd.writeUInt16LE(e.date, 14);
    cd.writeUInt32LE(e.crc, 16);
    cd.writeUInt32LE(e.compressedSize, 20);
    cd.writeUInt32LE(e.size, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt32LE(e.externalAttributes >>> 0, 38);
    cd.writeUInt32LE(offset, 42);
    parts.push(local, name, e.raw);
    central.push(cd, name);
    offset += 30 + name.length + e.raw.length;
  }
  const cdSize = central.reduce((n, b) => n + b.length, 0);
  const end = emptyZip();
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cdSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, ...central, end]);
}

/** `zip` with `files` ({ name, data }) added; an entry of the same name is replaced. */
export function addToZip(zip, files) {
  const names = new Set(files.map((f) => f.name));
  const kept = listZip(zip).filter((e) => !names.has(e.name));
  return writeZip([...kept, ...files.map((f) => makeEntry(f.name, f.data))]);
}
