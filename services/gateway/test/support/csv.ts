/**
 * A strict, streaming RFC 4180 reader: records end with CRLF; a field is either plain (no quote, comma, CR or
 * LF inside) or quoted (`"…"`, quotes doubled inside, may hold commas and line breaks). Anything else is a
 * syntax error with its position. Every record must have as many fields as the header.
 */
export class Rfc4180Reader {
  /** Data records read so far (the header not counted). */
  records = 0;
  header: string[] | undefined;

  private field = '';
  private fields: string[] = [];
  private fieldCount = 0;
  private state: 'start' | 'plain' | 'quoted' | 'quote' | 'cr' = 'start';
  private position = 0;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  /**
   * @param keep which fields of each data record to hand to `onRecord` (by index; `'all'` for every field).
   *   Fields not kept are checked but not built, so a million-record file stays cheap to read.
   */
  constructor(
    private readonly keep: 'all' | readonly number[] = 'all',
    private readonly onRecord: (fields: string[]) => void = () => undefined,
  ) {}

  push(chunk: Uint8Array): void {
    this.scan(this.decoder.decode(chunk, { stream: true }));
  }

  /** The end of the input: it must end right after a record's CRLF. */
  end(): void {
    this.scan(this.decoder.decode());
    if (this.state !== 'start' || this.fieldCount !== 0) this.fail('the file does not end with CRLF');
    if (this.header === undefined) this.fail('there is no header record');
  }

  private scan(text: string): void {
    for (let i = 0; i < text.length; i++, this.position++) {
      const c = text.charCodeAt(i);
      switch (this.state) {
        case 'start':
          if (c === QUOTE) this.state = 'quoted';
          else if (c === COMMA) this.endField();
          else if (c === CR) this.state = 'cr';
          else if (c === LF) this.fail('a line ends with a bare LF');
          else {
            this.state = 'plain';
            this.add(c);
          }
          break;
        case 'plain':
          if (c === COMMA) {
            this.endField();
            this.state = 'start';
          } else if (c === CR) this.state = 'cr';
          else if (c === QUOTE) this.fail('a quote inside an unquoted field');
          else if (c === LF) this.fail('a line ends with a bare LF');
          else this.add(c);
          break;
        case 'quoted':
          if (c === QUOTE) this.state = 'quote';
          else this.add(c);
          break;
        case 'quote':
          if (c === QUOTE) {
            this.add(QUOTE); // a doubled quote
            this.state = 'quoted';
          } else if (c === COMMA) {
            this.endField();
            this.state = 'start';
          } else if (c === CR) this.state = 'cr';
          else this.fail('a closing quote not followed by a comma or CRLF');
          break;
        case 'cr':
          if (c !== LF) this.fail('a CR not followed by LF outside quotes');
          this.endField();
          this.endRecord();
          this.state = 'start';
          break;
      }
    }
  }

  private add(c: number): void {
    if (this.keeping(this.fieldCount)) this.field += String.fromCharCode(c);
  }

  private keeping(index: number): boolean {
    return this.header === undefined || this.keep === 'all' || this.keep.includes(index);
  }

  private endField(): void {
    if (this.keeping(this.fieldCount)) this.fields[this.fieldCount] = this.field;
    this.field = '';
    this.fieldCount++;
  }

  private endRecord(): void {
    if (this.header === undefined) {
      this.header = this.fields;
    } else {
      if (this.fieldCount !== this.header.length) {
        this.fail(
          `record ${this.records + 1} has ${this.fieldCount} fields, the header ${this.header.length}`,
        );
      }
      this.records++;
      this.onRecord(this.fields);
    }
    this.fields = [];
    this.fieldCount = 0;
  }

  private fail(reason: string): never {
    throw new Error(`not RFC 4180 at character ${this.position}: ${reason}`);
  }
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const CR = 0x0d;
const LF = 0x0a;

/** Reads a whole CSV text: header and records (all fields). */
export function parseCsv(text: string): { header: string[]; records: string[][] } {
  const records: string[][] = [];
  const reader = new Rfc4180Reader('all', (fields) => records.push(fields));
  reader.push(new TextEncoder().encode(text));
  reader.end();
  return { header: reader.header ?? [], records };
}
