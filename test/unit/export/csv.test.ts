import fc from 'fast-check';
import { csvCell, csvLine } from '../../../server/src/export/csv';

/** RFC 4180 reader for one record (enough to round-trip what csvLine writes). */
function readRecord(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let index = 0; index < line.length; index += 1) {
    const char = line[index]!;
    if (quoted) {
      if (char === '"' && line[index + 1] === '"') {
        cell += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      cells.push(cell);
      cell = '';
    } else cell += char;
  }
  cells.push(cell);
  return cells;
}

describe('CSV cells', () => {
  test('plain text stays as it is; empty for null and undefined; dates as ISO', () => {
    expect(csvCell('alice@example.com')).toBe('alice@example.com');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(409)).toBe('409');
    expect(csvCell(new Date('2026-01-02T03:04:05.000Z'))).toBe('2026-01-02T03:04:05.000Z');
  });

  test('quotes, separators and line breaks are quoted, quotes doubled', () => {
    expect(csvCell('Sales, EMEA')).toBe('"Sales, EMEA"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
  });

  test('cells a spreadsheet would run as a formula get a leading apostrophe', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\r']) expect(csvCell(`${start}1+1`).replace(/^"/, '')).toMatch(/^'/);
    expect(csvCell('=HYPERLINK("http://evil")')).toBe(`"'=HYPERLINK(""http://evil"")"`);
    expect(csvCell('a=b')).toBe('a=b');
  });

  test('any record round-trips through an RFC 4180 reader (formula cells prefixed), and ends with CRLF', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 6 }), (cells) => {
        const line = csvLine(cells);
        expect(line.endsWith('\r\n')).toBe(true);
        const read = readRecord(line.slice(0, -2));
        expect(read).toEqual(cells.map((cell) => (/^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell)));
        for (const cell of read) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
      })
    );
  });
});
