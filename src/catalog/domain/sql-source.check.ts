/**
 * Structural check that a SQL distribution's query is one read-only statement. This is not a security boundary:
 * the data plane (a later issue) runs queries on a read-only connection; this catches mistakes early.
 */
export function checkReadOnlyQuery(query: string): string | undefined {
  const text = stripComments(query).trim();
  if (text === '') return 'must not be empty';
  const semi = indexOfTopLevelSemicolon(text);
  if (semi >= 0 && text.slice(semi + 1).trim() !== '') return 'must be a single statement (nothing may follow ";")';
  if (!/^(select|with)\b/i.test(text.replace(/^\(+\s*/, ''))) return 'must be a read-only SELECT or WITH statement';
  if (/^with\b/i.test(text) && /\b(insert|update|delete|merge)\b/i.test(withoutStrings(text))) return 'a WITH statement must not modify data';
  return undefined;
}

function stripComments(sql: string): string {
  return sql.replace(/--[^\n]*/g, ' ').replace(/\/\*[\s\S]*?\*\//g, ' ');
}

function withoutStrings(sql: string): string {
  return sql.replace(/'(?:[^']|'')*'/g, "''").replace(/"(?:[^"]|"")*"/g, '""');
}

/** The first `;` outside quotes, so `where name = 'a;b'` stays one statement. */
function indexOfTopLevelSemicolon(sql: string): number {
  return withoutStrings(sql).indexOf(';') >= 0 ? positionIn(sql) : -1;
}

function positionIn(sql: string): number {
  let quote: string | undefined;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i];
    if (quote) {
      if (c === quote) quote = sql[i + 1] === quote ? (i++, quote) : undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === ';') return i;
  }
  return -1;
}
