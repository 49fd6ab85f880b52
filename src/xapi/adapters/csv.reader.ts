/**
 * RFC 4180 CSV read as a stream: quoted fields (with doubled quotes, delimiters and line breaks inside), CRLF or LF.
 * Each row comes with the line it starts on, so conversion errors can name it. A byte-order mark is dropped.
 */
export interface CsvRow {
  line: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  constructor(readonly line: number, message: string) {
    super(message);
  }
}

export async function* readCsv(chunks: AsyncIterable<string>, delimiter = ','): AsyncGenerator<CsvRow> {
  let field = '';
  let fields: string[] = [];
  let quoted = false;
  let afterQuote = false;
  let line = 1;
  let rowLine = 1;
  let first = true;
  let pendingCr = false;
  let sawAny = false;
  const endRow = (): CsvRow | undefined => {
    fields.push(field);
    const row = { line: rowLine, fields };
    field = '';
    fields = [];
    afterQuote = false;
    // A blank line is no record.
    return row.fields.length === 1 && row.fields[0] === '' ? undefined : row;
  };
  for await (let chunk of chunks) {
    if (first && chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    first = false;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (pendingCr) {
        pendingCr = false;
        if (c === '\n') continue;
      }
      if (quoted) {
        if (c === '"') {
          if (chunk[i + 1] === '"') {
            field += '"';
            i++;
          } else {
            // At the end of a chunk the next one decides whether the quote was doubled (see below).
            quoted = false;
            afterQuote = true;
          }
        } else {
          if (c === '\n') line++;
          field += c;
        }
        continue;
      }
      if (c === '"' && afterQuote && i === 0) {
        // A doubled quote split across two chunks: a closing quote can only be followed by a delimiter or a line end.
        field += '"';
        quoted = true;
        afterQuote = false;
        continue;
      }
      if (c === '"') {
        if (field !== '' || afterQuote) throw new CsvSyntaxError(line, 'a quote inside an unquoted field');
        quoted = true;
        sawAny = true;
      } else if (c === delimiter) {
        fields.push(field);
        field = '';
        afterQuote = false;
      } else if (c === '\n' || c === '\r') {
        if (c === '\r') pendingCr = true;
        const row = endRow();
        if (row) yield row;
        line++;
        rowLine = line;
      } else {
        if (afterQuote) throw new CsvSyntaxError(line, 'characters after a closing quote');
        field += c;
        sawAny = true;
      }
    }
  }
  if (quoted) throw new CsvSyntaxError(rowLine, 'a quoted field is not closed');
  if (field !== '' || fields.length > 0 || (sawAny && afterQuote)) {
    const row = endRow();
    if (row) yield row;
  }
}
