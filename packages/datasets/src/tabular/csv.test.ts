import { describe, expect, it } from 'vitest';
import { createRng } from '../rng.js';
import { readNumericCsv } from './csv.js';
import { makeRoot } from './test-fixtures.js';

describe('readNumericCsv', () => {
  it('parses every number exactly as Number() does, fast path or not', async () => {
    const rng = createRng(1);
    const texts: string[] = ['0', '-0', '1', '-1', '+3', '.5', '5.', '1e-05', '1E+3', '2.5e10', '-7.25E-3', ' 1.5', '1.5 ',
      '123456789012345', '1234567890123456789', '0.1234567890123456789', '1e22', '1e23', '1e-22', '1e-23', '4.9e-324', '1.7976931348623157e308',
      '0.000000000000000000000001', '000123.4500', '9007199254740993'];
    for (let i = 0; i < 3000; i++) {
      const x = (rng.uniform() - 0.5) * 10 ** rng.int(12) * (rng.int(5) === 0 ? 1e-9 : 1);
      const forms = [String(x), x.toFixed(rng.int(10)), x.toPrecision(1 + rng.int(21)), x.toExponential(rng.int(20))];
      texts.push(forms[rng.int(forms.length)]!);
    }
    const cols = 5;
    while (texts.length % cols !== 0) texts.push('1');
    const lines = ['a,b,c,d,e'];
    for (let i = 0; i < texts.length; i += cols) lines.push(texts.slice(i, i + cols).join(','));
    // CRLF line ends and a trailing comma are accepted too.
    const { root, cleanup } = await makeRoot({ 't.csv': `${lines.join('\r\n')},\r\n` });
    try {
      const table = await readNumericCsv('test', `${root}/t.csv`);
      expect(table.header).toEqual(['a', 'b', 'c', 'd', 'e']);
      expect(table.rows).toBe(texts.length / cols);
      let mismatches = 0;
      texts.forEach((text, k) => {
        if (!Object.is(table.data[k], Number(text))) mismatches++;
      });
      expect(mismatches).toBe(0);
    } finally {
      await cleanup();
    }
  });

  it('reads lines split across chunks and filters rows', async () => {
    const lines = ['label,x'];
    for (let i = 0; i < 400_000; i++) lines.push(`${i % 2},${i}.25`);
    const { root, cleanup } = await makeRoot({ 'big.csv': lines.join('\n') });
    try {
      const table = await readNumericCsv('test', `${root}/big.csv`, (row) => row[0] === 1);
      expect(table.rows).toBe(200_000);
      let wrong = 0;
      for (let r = 0; r < table.rows; r++) if (table.data[2 * r + 1] !== 2 * r + 1 + 0.25) wrong++;
      expect(wrong).toBe(0);
    } finally {
      await cleanup();
    }
  });

  it('names the line and field of a malformed value', async () => {
    const { root, cleanup } = await makeRoot({
      'a.csv': 'x,y\n1,2\n3,1.2.3\n',
      'b.csv': 'x,y\n1,\n',
      'c.csv': 'x,y\n1,2,3\n',
      'd.csv': '',
      'e.csv': 'x,y\n1\n',
    });
    try {
      await expect(readNumericCsv('t', `${root}/a.csv`)).rejects.toThrow(`t: line 3 of ${root}/a.csv: cannot read "1.2.3" (column 2) as a number`);
      await expect(readNumericCsv('t', `${root}/b.csv`)).rejects.toThrow('cannot read "" (column 2) as a number');
      await expect(readNumericCsv('t', `${root}/c.csv`)).rejects.toThrow('line 2 of');
      await expect(readNumericCsv('t', `${root}/c.csv`)).rejects.toThrow('has 3 fields, the header has 2');
      await expect(readNumericCsv('t', `${root}/d.csv`)).rejects.toThrow('is empty (expected a CSV header line and rows)');
      await expect(readNumericCsv('t', `${root}/e.csv`)).rejects.toThrow('has 1 fields, the header has 2');
    } finally {
      await cleanup();
    }
  });
});
