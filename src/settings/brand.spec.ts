import { contrastProblems, contrastRatio, logoProblem, logoUrl, normaliseHex } from './brand';

describe('brand', () => {
  it('computes WCAG contrast ratios (black on white is 21:1, #767676 on white just passes AA, #777777 just fails)', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#ffffff', '#ffffff')).toBeCloseTo(1, 5);
    expect(contrastRatio('#767676', '#ffffff')).toBeGreaterThanOrEqual(4.5);
    expect(contrastRatio('#777777', '#ffffff')).toBeLessThan(4.5);
    expect(contrastRatio('#2563eb', '#ffffff')).toBeCloseTo(5.17, 2);
  });

  it('refuses a primary colour too light for white text and a background too dark for the text, naming the ratio', () => {
    expect(contrastProblems({ primary: '#2563eb', background: '#f4f5f7' })).toEqual([]);
    const [primary, background] = contrastProblems({ primary: '#ffcc00', background: '#333333' });
    expect(primary).toMatch(/^primary colour #ffcc00 is too light: .* contrast of 1\.\d\d:1, and WCAG AA needs 4\.5:1/);
    expect(background).toMatch(/^background colour #333333 is too dark: .* contrast of 1\.\d\d:1/);
  });

  it('normalises hex colours and refuses anything else', () => {
    expect(normaliseHex('#ABC')).toBe('#aabbcc');
    expect(normaliseHex(' #1D4ED8 ')).toBe('#1d4ed8');
    for (const bad of ['red', '#12345', '#ggg', '1d4ed8', '#1d4ed8;}body{']) expect(normaliseHex(bad)).toBeNull();
  });

  it('takes an http(s) logo URL or a path under PUBLIC_URL, and nothing that could run or break out', () => {
    expect(logoProblem('https://cdn.example.com/logo.png')).toBeNull();
    expect(logoProblem('/media/0f9c.png')).toBeNull();
    expect(logoUrl('/media/0f9c.png', 'https://news.example.com/')).toBe('https://news.example.com/media/0f9c.png');
    expect(logoUrl('https://cdn.example.com/l.png', 'https://news.example.com')).toBe('https://cdn.example.com/l.png');
    expect(logoProblem('javascript:alert(1)')).toBe('logo must be an http or https URL');
    expect(logoProblem('data:image/png;base64,AAAA')).toBe('logo must be an http or https URL');
    expect(logoProblem('//evil.example/x.png')).toMatch(/path starting with one \//);
    expect(logoProblem('https://u:p@cdn.example.com/x.png')).toMatch(/user name or password/);
    expect(logoProblem('https://x.example/a.png" onerror="alert(1)')).toMatch(/without spaces, quotes/);
    expect(logoProblem('logo.png')).toMatch(/http\(s\) URL/);
  });
});
