/**
 * What the revisions after a signature changed, judged by an explicit whitelist (the idea of
 * pyHanko's DiffPolicy, our own rules): every object a later revision rewrites must be claimed
 * by a rule that says why the change is harmless and at what level (LTA_UPDATES ⊂
 * FORM_FILLING ⊂ ANNOTATIONS); anything unclaimed, freed or replaced is reported with its
 * object number and what changed, and makes the level OTHER. New objects are judged through
 * the existing objects that point to them. A certification signature's DocMDP permission caps
 * the level, and after certification a new *visible* signature field is not allowed (only
 * filling fields that existed when the document was certified).
 */
import { PDFArray, PDFDict, PDFName, PDFNumber, PDFRawStream, PDFRef, PDFStream, type PDFDocument, type PDFObject } from 'pdf-lib';
import type { LaterWrites } from './byte-range.ts';

export type ModificationLevel = 'NONE' | 'LTA_UPDATES' | 'FORM_FILLING' | 'ANNOTATIONS' | 'OTHER';
const order: ModificationLevel[] = ['NONE', 'LTA_UPDATES', 'FORM_FILLING', 'ANNOTATIONS', 'OTHER'];
const rank = (level: ModificationLevel) => order.indexOf(level);
/** The most a DocMDP permission (P 1–3) allows. */
const permitted: Record<1 | 2 | 3, ModificationLevel> = { 1: 'LTA_UPDATES', 2: 'FORM_FILLING', 3: 'ANNOTATIONS' };

export interface ObjectChange {
  object: number;
  what: string;
  level: ModificationLevel;
  /** The rule that allowed the change, or `not allowed`. */
  rule: string;
}

export interface DiffResult {
  level: ModificationLevel;
  /** DocMDP permission of the signature judged (a certification signature), if any. */
  docMdp?: 1 | 2 | 3;
  allowed: boolean;
  changes: ObjectChange[];
}

const name = (key: string) => PDFName.of(key);
const serialized = (value: PDFObject | undefined) =>
  value === undefined ? '' : value instanceof PDFStream ? `${value.dict.toString()}|${Buffer.from((value as PDFRawStream).contents ?? []).toString('latin1')}` : value.toString();

interface Context {
  before: PDFDocument;
  after: PDFDocument;
  /** Existing objects whose value differs after the signed revision. */
  changed: Map<number, { old: PDFObject; now: PDFObject | undefined }>;
  docMdp?: 1 | 2 | 3;
  /** Signature widgets a rule has already judged (new fields' annotations, approved or refused with their field). */
  approvedWidgets: Set<string>;
  refusedWidgets: Set<string>;
  allow(object: number, level: ModificationLevel, rule: string, what: string): void;
  refuse(object: number, what: string): void;
}

interface Rule {
  name: string;
  apply(context: Context): void;
}

const resolve = (doc: PDFDocument, value: PDFObject | undefined) => (value instanceof PDFRef ? doc.context.lookup(value) : value);
const dictOf = (doc: PDFDocument, value: PDFObject | undefined) => {
  const resolved = resolve(doc, value);
  return resolved instanceof PDFDict ? resolved : undefined;
};
const arrayOf = (doc: PDFDocument, value: PDFObject | undefined) => {
  const resolved = resolve(doc, value);
  return resolved instanceof PDFArray ? resolved.asArray() : [];
};

function changedKeys(before: PDFDict, after: PDFDict): string[] {
  const keys = new Set([...before.keys(), ...after.keys()].map((k) => k.decodeText()));
  return [...keys].filter((key) => serialized(before.get(name(key))) !== serialized(after.get(name(key))));
}

function isVisible(doc: PDFDocument, field: PDFDict): boolean {
  const widgets = [
    field,
    ...arrayOf(doc, field.get(name('Kids')))
      .map((k) => dictOf(doc, k))
      .filter((k): k is PDFDict => !!k),
  ];
  return widgets.some((widget) => {
    const [x1, y1, x2, y2] = arrayOf(doc, widget.get(name('Rect'))).map((n) => (n instanceof PDFNumber ? n.asNumber() : 0));
    return Math.abs((x2 ?? 0) - (x1 ?? 0)) * Math.abs((y2 ?? 0) - (y1 ?? 0)) > 0;
  });
}

/** Allows a rewritten indirect object when its only difference is the given keys (or nothing). */
function allowKeys(context: Context, ref: PDFObject | undefined, keys: Set<string>, level: ModificationLevel, rule: string, label: string): void {
  if (!(ref instanceof PDFRef)) return;
  const change = context.changed.get(ref.objectNumber);
  if (!change) return;
  if (!(change.old instanceof PDFDict) || !(change.now instanceof PDFDict)) return context.refuse(ref.objectNumber, `${label} was replaced by a different kind of object`);
  const bad = changedKeys(change.old, change.now).filter((k) => !keys.has(k));
  if (bad.length) return context.refuse(ref.objectNumber, `${label}: ${bad.map((k) => '/' + k).join(', ')} changed`);
  context.allow(ref.objectNumber, level, rule, `${label} updated`);
}

const catalogRule: Rule = {
  name: 'catalog: only /AcroForm, /DSS, /Extensions, /Metadata, /MarkInfo and /Version may change',
  apply(context) {
    const root = context.before.context.trailerInfo.Root;
    if (serialized(root) !== serialized(context.after.context.trailerInfo.Root)) {
      context.refuse(0, 'the trailer names a different document catalog');
      return;
    }
    allowKeys(context, root, new Set(['AcroForm', 'DSS', 'Extensions', 'Metadata', 'MarkInfo', 'Version']), 'LTA_UPDATES', this.name, 'document catalog');
  },
};

const infoRule: Rule = {
  name: 'document information dictionary (/Info) updates',
  apply(context) {
    const info = context.after.context.trailerInfo.Info;
    if (info instanceof PDFRef && context.changed.has(info.objectNumber)) context.allow(info.objectNumber, 'LTA_UPDATES', this.name, '/Info updated');
  },
};

const dssRule: Rule = {
  name: 'validation data (/DSS and /VRI) may be added',
  apply(context) {
    const { after } = context;
    const seen = new Set<number>();
    const walk = (value: PDFObject | undefined, depth: number) => {
      if (depth > 4 || value === undefined) return;
      if (value instanceof PDFRef) {
        if (seen.has(value.objectNumber)) return;
        seen.add(value.objectNumber);
        if (context.changed.has(value.objectNumber)) context.allow(value.objectNumber, 'LTA_UPDATES', this.name, 'DSS entry updated');
      }
      const resolved = resolve(after, value);
      if (resolved instanceof PDFDict && !(resolved instanceof PDFStream)) for (const [, v] of resolved.entries()) walk(v, depth + 1);
      if (resolved instanceof PDFArray) for (const v of resolved.asArray()) walk(v, depth + 1);
    };
    walk(after.catalog.get(name('DSS')), 0);
  },
};

const formRule: Rule = {
  name: 'form: signature fields filled, or new signature fields created (not visible ones after certification)',
  apply(context) {
    const { before, after } = context;
    const oldForm = dictOf(before, before.catalog.get(name('AcroForm')));
    const newForm = dictOf(after, after.catalog.get(name('AcroForm')));
    if (!newForm) return;
    allowKeys(context, before.catalog.get(name('AcroForm')), new Set(['Fields', 'DR', 'DA', 'Q', 'NeedAppearances']), 'LTA_UPDATES', this.name, 'form (/AcroForm)');
    const fieldsRef = newForm.get(name('Fields'));
    if (fieldsRef instanceof PDFRef && context.changed.has(fieldsRef.objectNumber)) context.allow(fieldsRef.objectNumber, 'LTA_UPDATES', this.name, 'field list updated');
    const oldFields = arrayOf(before, oldForm?.get(name('Fields')));
    const newFields = arrayOf(after, fieldsRef);
    const oldKeys = new Set(oldFields.map(serialized));
    const newKeys = new Set(newFields.map(serialized));
    for (const removed of oldFields.filter((f) => !newKeys.has(serialized(f)))) context.refuse(removed instanceof PDFRef ? removed.objectNumber : 0, 'a form field was removed');

    for (const ref of newFields.filter((f) => !oldKeys.has(serialized(f)))) {
      const field = dictOf(after, ref);
      const number = ref instanceof PDFRef ? ref.objectNumber : 0;
      const existed = ref instanceof PDFRef && before.context.lookup(ref) !== undefined;
      if (!field || field.get(name('FT')) !== name('Sig') || existed) {
        context.refuse(number, existed ? 'an existing object was added to the form as a field' : 'a form field other than a signature field was created');
        continue;
      }
      const label = `signature field ${field.get(name('T'))?.toString() ?? number}`;
      const visible = isVisible(after, field);
      const kids = field.get(name('Kids'));
      const widgets = (kids ? arrayOf(after, kids) : [ref]).map(serialized);
      if (visible && context.docMdp) {
        context.refuse(number, `${label}: a new visible signature field was created after the certification signature`);
        for (const widget of widgets) context.refusedWidgets.add(widget);
        continue;
      }
      context.allow(number, visible ? 'FORM_FILLING' : 'LTA_UPDATES', this.name, `${label} created`);
      for (const widget of widgets) context.approvedWidgets.add(widget);
    }

    for (const ref of oldFields.filter((f) => newKeys.has(serialized(f)))) {
      if (!(ref instanceof PDFRef) || !context.changed.has(ref.objectNumber)) continue;
      const old = dictOf(before, ref);
      const now = dictOf(after, ref);
      const label = `field ${old?.get(name('T'))?.toString() ?? ref.objectNumber}`;
      if (!old || !now) {
        context.refuse(ref.objectNumber, `${label} was replaced by a different kind of object`);
        continue;
      }
      if (old.get(name('FT')) === name('Sig') && old.get(name('V')) !== undefined) {
        context.refuse(ref.objectNumber, `${label}: an existing signature was altered`);
        continue;
      }
      const value = dictOf(after, now.get(name('V')));
      const level = value?.get(name('Type')) === name('DocTimeStamp') || !isVisible(after, now) ? 'LTA_UPDATES' : 'FORM_FILLING';
      allowKeys(context, ref, new Set(['V', 'AP', 'AS']), level, this.name, `${label} filled`);
      for (const kid of arrayOf(after, now.get(name('Kids')))) allowKeys(context, kid, new Set(['AP', 'AS']), level, this.name, `${label} widget appearance`);
    }
  },
};

const annotationRule: Rule = {
  name: 'page annotations: widgets of approved signature fields; other annotations at level ANNOTATIONS',
  apply(context) {
    const { before, after } = context;
    for (const page of before.getPages()) {
      const change = context.changed.get(page.ref.objectNumber);
      const oldAnnots = page.node.get(name('Annots'));
      const newPage = dictOf(after, page.ref);
      const newAnnots = newPage?.get(name('Annots'));
      const arrayRewritten = oldAnnots instanceof PDFRef && context.changed.has(oldAnnots.objectNumber);
      if (!change && !arrayRewritten) continue;
      if (change) allowKeys(context, page.ref, new Set(['Annots']), 'LTA_UPDATES', this.name, `page object ${page.ref.objectNumber}`);
      if (arrayRewritten) context.allow(oldAnnots.objectNumber, 'LTA_UPDATES', this.name, 'annotation list updated');
      const oldList = arrayOf(before, oldAnnots).map(serialized);
      const newList = arrayOf(after, newAnnots);
      const newSet = new Set(newList.map(serialized));
      if (oldList.some((a) => !newSet.has(a))) context.refuse(page.ref.objectNumber, 'an annotation was removed');
      for (const added of newList.filter((a) => !oldList.includes(serialized(a)))) {
        const annotation = dictOf(after, added);
        const number = added instanceof PDFRef ? added.objectNumber : page.ref.objectNumber;
        if (context.approvedWidgets.has(serialized(added)) || context.refusedWidgets.has(serialized(added))) continue;
        if (annotation?.get(name('Subtype')) === name('Widget')) context.refuse(number, 'a widget of a field not approved by the form rule was added');
        else context.allow(number, 'ANNOTATIONS', this.name, `annotation ${annotation?.get(name('Subtype'))?.toString() ?? ''} added`);
      }
    }
  },
};

/** The policy: its rules in the order they are consulted. */
export const defaultDiffPolicy: Rule[] = [catalogRule, infoRule, dssRule, formRule, annotationRule];

function describe(old: PDFObject, now: PDFObject | undefined): string {
  if (now === undefined) return 'removed';
  if (old instanceof PDFStream && now instanceof PDFStream) return 'stream content changed';
  if (old instanceof PDFDict && now instanceof PDFDict) {
    const type = old.get(name('Type'))?.toString() ?? 'dictionary';
    return `${type}: ${changedKeys(old, now)
      .map((k) => '/' + k)
      .join(', ')} changed`;
  }
  return 'value changed';
}

/**
 * Judges the changes between the signed revision (`before`) and the whole file (`after`),
 * given what the later revisions wrote.
 */
export function analyseChanges(before: PDFDocument, after: PDFDocument, writes: LaterWrites, docMdp?: 1 | 2 | 3, rules: Rule[] = defaultDiffPolicy): DiffResult {
  const changes: ObjectChange[] = [];
  const changed = new Map<number, { old: PDFObject; now: PDFObject | undefined }>();
  for (const number of writes.written) {
    const ref = PDFRef.of(number, 0);
    const old = before.context.lookup(ref);
    const now = after.context.lookup(ref);
    if (old !== undefined && serialized(old) !== serialized(now)) changed.set(number, { old, now });
  }
  const allowed = new Map<number, ObjectChange>();
  const refused: ObjectChange[] = [];
  const context: Context = {
    before,
    after,
    changed,
    docMdp,
    approvedWidgets: new Set(),
    refusedWidgets: new Set(),
    allow: (object, level, rule, what) => {
      const previous = allowed.get(object);
      if (!previous || rank(level) > rank(previous.level)) allowed.set(object, { object, what, level, rule });
    },
    refuse: (object, what) => refused.push({ object, what, level: 'OTHER', rule: 'not allowed' }),
  };
  for (const rule of rules) {
    try {
      rule.apply(context);
    } catch {
      // pdf-lib throws on a damaged structure (a page tree that is no tree): the change cannot be judged, so it is not allowed.
      refused.push({ object: 0, what: `the document's structure cannot be read (${rule.name})`, level: 'OTHER', rule: 'not allowed' });
    }
  }
  for (const [number, { old, now }] of changed) {
    if (!allowed.has(number) && !refused.some((r) => r.object === number)) refused.push({ object: number, what: describe(old, now), level: 'OTHER', rule: 'not allowed' });
  }
  for (const number of writes.freed)
    if (before.context.lookup(PDFRef.of(number, 0)) !== undefined) refused.push({ object: number, what: 'object deleted (freed)', level: 'OTHER', rule: 'not allowed' });
  if (writes.xrefStream) refused.push({ object: 0, what: 'a later revision uses a cross-reference stream; its changes cannot be listed', level: 'OTHER', rule: 'not allowed' });
  changes.push(...[...allowed.values()].filter((c) => !refused.some((r) => r.object === c.object)), ...refused);
  changes.sort((a, b) => a.object - b.object);
  const level = refused.length ? 'OTHER' : changes.reduce<ModificationLevel>((max, c) => (rank(c.level) > rank(max) ? c.level : max), 'NONE');
  const withinDocMdp = !docMdp || rank(level) <= rank(permitted[docMdp]);
  return { level, ...(docMdp ? { docMdp } : {}), allowed: level !== 'OTHER' && withinDocMdp, changes };
}

/** The DocMDP permission a signature sets (its /Reference transform, or its field's /Lock). */
export function docMdpOf(doc: PDFDocument, signature: PDFDict, field: PDFDict): 1 | 2 | 3 | undefined {
  for (const reference of arrayOf(doc, signature.get(name('Reference')))) {
    const dict = dictOf(doc, reference);
    if (dict?.get(name('TransformMethod')) !== name('DocMDP')) continue;
    const p = dictOf(doc, dict.get(name('TransformParams')))?.get(name('P'));
    const value = p instanceof PDFNumber ? p.asNumber() : 2;
    return value === 1 || value === 3 ? value : 2;
  }
  const lock = dictOf(doc, field.get(name('Lock')))?.get(name('P'));
  return lock instanceof PDFNumber && [1, 2, 3].includes(lock.asNumber()) ? (lock.asNumber() as 1 | 2 | 3) : undefined;
}
