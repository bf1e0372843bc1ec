/**
 * Incremental updates to a PDF: the original bytes stay untouched and a new section with the
 * changed and added objects, an xref section and a trailer pointing back (/Prev) is appended.
 * pdf-lib parses the document (the latest version of every object) and serialises objects;
 * it never saves the document, since a re-save would destroy earlier signatures.
 */
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFObject, PDFRef } from 'pdf-lib';

const latin1 = new TextEncoder();

/** Offset of the last `startxref` value: the /Prev of the next update. */
export function lastStartXref(pdf: Uint8Array): number {
  const tail = Buffer.from(pdf.subarray(Math.max(0, pdf.length - 2048))).toString('latin1');
  const match = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail);
  if (!match) throw new Error('not a PDF: no startxref at the end');
  return Number(match[1]);
}

/** A pdf-lib document exactly as its bytes were written (see PdfUpdate.open). */
export type WrittenPdf = PDFDocument;

/** A document opened for appending one revision. */
export class PdfUpdate {
  private readonly touched = new Set<number>();
  private readonly firstNewObject: number;

  private constructor(
    readonly original: Uint8Array,
    readonly doc: PDFDocument,
  ) {
    this.firstNewObject = doc.context.largestObjectNumber + 1;
  }

  /**
   * `written`: the document `pdf` was just saved from, still in memory (the renderer's), used
   * instead of parsing `pdf` again. This update adds to it, so it serves one update only.
   */
  static async open(pdf: Uint8Array, written?: WrittenPdf): Promise<PdfUpdate> {
    const doc = written ?? (await PDFDocument.load(pdf, { updateMetadata: false, ignoreEncryption: false, throwOnInvalidObject: false }));
    return new PdfUpdate(pdf, doc);
  }

  get context() {
    return this.doc.context;
  }

  get catalogRef(): PDFRef {
    return this.context.trailerInfo.Root as PDFRef;
  }

  get catalog(): PDFDict {
    return this.context.lookup(this.catalogRef, PDFDict);
  }

  /** Registers a new indirect object in this revision. */
  add(object: PDFObject): PDFRef {
    return this.context.register(object);
  }

  /** Marks an existing object as changed in this revision (it is written again whole). */
  touch(ref: PDFRef): void {
    this.touched.add(ref.objectNumber);
  }

  /** The dictionary stored under `key`, made indirect and marked changed (created when absent). */
  ownDict(parent: PDFDict, parentRef: PDFRef, key: string): { dict: PDFDict; ref: PDFRef } {
    const name = PDFName.of(key);
    const value = parent.get(name);
    if (value instanceof PDFRef) {
      this.touch(value);
      return { dict: this.context.lookup(value, PDFDict), ref: value };
    }
    const dict = value instanceof PDFDict ? value : this.context.obj({});
    const ref = this.add(dict);
    parent.set(name, ref);
    this.touch(parentRef);
    return { dict, ref };
  }

  /** The array under `key`, indirect arrays marked changed, inline ones rewritten with the parent. */
  ownArray(parent: PDFDict, parentRef: PDFRef, key: string): PDFArray {
    const name = PDFName.of(key);
    const value = parent.get(name);
    if (value instanceof PDFRef) {
      this.touch(value);
      return this.context.lookup(value, PDFArray);
    }
    const array = value instanceof PDFArray ? value : this.context.obj([]);
    parent.set(name, array);
    this.touch(parentRef);
    return array;
  }

  /** The bytes of the whole document with this revision appended. */
  serialize(): Uint8Array {
    const numbers = [...this.touched];
    for (let n = this.firstNewObject; n <= this.context.largestObjectNumber; n++) numbers.push(n);
    numbers.sort((a, b) => a - b);

    const parts: Uint8Array[] = [this.original];
    let offset = this.original.length;
    const push = (bytes: Uint8Array) => {
      parts.push(bytes);
      offset += bytes.length;
    };
    if (this.original[this.original.length - 1] !== 0x0a) push(latin1.encode('\n'));

    const offsets = new Map<number, number>();
    for (const number of numbers) {
      const ref = PDFRef.of(number, 0);
      const object = this.context.lookup(ref);
      if (!object) continue;
      offsets.set(number, offset);
      push(latin1.encode(`${number} 0 obj\n`));
      const body = new Uint8Array(object.sizeInBytes());
      object.copyBytesInto(body, 0);
      push(body);
      push(latin1.encode('\nendobj\n'));
    }

    const xrefOffset = offset;
    let xref = 'xref\n';
    const written = [...offsets.keys()];
    for (let i = 0; i < written.length;) {
      let j = i;
      while (j + 1 < written.length && written[j + 1] === written[j]! + 1) j++;
      xref += `${written[i]} ${j - i + 1}\n`;
      for (let k = i; k <= j; k++) xref += `${String(offsets.get(written[k]!)).padStart(10, '0')} 00000 n\r\n`;
      i = j + 1;
    }
    const info = this.context.trailerInfo;
    const trailer = [
      `/Size ${this.context.largestObjectNumber + 1}`,
      `/Root ${this.catalogRef.toString()}`,
      info.Info ? `/Info ${info.Info.toString()}` : '',
      info.ID ? `/ID ${info.ID.toString()}` : '',
      `/Prev ${lastStartXref(this.original)}`,
    ]
      .filter(Boolean)
      .join(' ');
    push(latin1.encode(`${xref}trailer\n<< ${trailer} >>\nstartxref\n${xrefOffset}\n%%EOF\n`));
    return Buffer.concat(parts);
  }
}
