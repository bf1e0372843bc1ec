/**
 * A minimal ZIP writer (APPNOTE 6.3, deflate, UTF-8 names): evidence bundles are a handful of
 * files that every office can open without special software. No ZIP64: bundles stay far
 * below 4 GiB.
 */
import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipEntry {
  name: string;
  data: Uint8Array;
}

/** MS-DOS date and time fields of a Date (local fields taken as UTC for determinism). */
function dosDateTime(date: Date): { time: number; date: number } {
  return {
    time: (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | Math.floor(date.getUTCSeconds() / 2),
    date: ((date.getUTCFullYear() - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate(),
  };
}

export function zip(entries: ZipEntry[], modified = new Date()): Uint8Array {
  const { time, date } = dosDateTime(modified);
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const compressed = deflateRawSync(entry.data);
    const useDeflate = compressed.length < entry.data.length;
    const body = useDeflate ? compressed : Buffer.from(entry.data);
    const crc = crc32(entry.data);
    const header = (signature: number, central: boolean) => {
      const fixed = Buffer.alloc(central ? 46 : 30);
      let at = 0;
      const u32 = (v: number) => (fixed.writeUInt32LE(v >>> 0, at), (at += 4));
      const u16 = (v: number) => (fixed.writeUInt16LE(v, at), (at += 2));
      u32(signature);
      if (central) u16((3 << 8) | 63); // made by: Unix, APPNOTE 6.3 (so unzip honours the UTF-8 flag)
      u16(20); // version needed
      u16(0x0800); // UTF-8 names
      u16(useDeflate ? 8 : 0);
      u16(time);
      u16(date);
      u32(crc);
      u32(body.length);
      u32(entry.data.length);
      u16(name.length);
      u16(0); // extra
      if (central) {
        u16(0); // comment
        u16(0); // disk
        u16(0); // internal attributes
        u32((0o100644 << 16) >>> 0); // external attributes: a regular file, rw-r--r--
        u32(offset);
      }
      return Buffer.concat([fixed, name]);
    };
    const local = Buffer.concat([header(0x04034b50, false), body]);
    centrals.push(header(0x02014b50, true));
    locals.push(local);
    offset += local.length;
  }
  const central = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(central.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, central, end]));
}
