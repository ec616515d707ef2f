import { confirmPromptPage, confirmedPage, invalidLinkPage } from './confirm-pages';
import { escapeHtml, htmlPage } from './html';

describe('escapeHtml', () => {
  it('escapes the five characters that matter in element bodies and attribute values', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  it('turns null and undefined into an empty string and other values into text', () => {
    expect(escapeHtml(null)).toBe('');
    expect(escapeHtml(undefined)).toBe('');
    expect(escapeHtml(42)).toBe('42');
  });
});

describe('pages', () => {
  const hostile = '<script>alert(1)</script>';

  it('escapes the title and never contains a script element', () => {
    const page = htmlPage(hostile, '<p>body</p>');
    expect(page).toContain('<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>');
    expect(page).not.toMatch(/<script/i);
  });

  it('the prompt page escapes list names and has one POST form with one button', () => {
    const page = confirmPromptPage([hostile, 'News & "Offers"']);
    expect(page).not.toMatch(/<script/i);
    expect(page).toContain('<li>&lt;script&gt;alert(1)&lt;/script&gt;</li>');
    expect(page).toContain('<li>News &amp; &quot;Offers&quot;</li>');
    expect(page.match(/<form /g)).toHaveLength(1);
    expect(page).toContain('<form method="post">');
    expect(page.match(/<button/g)).toHaveLength(1);
  });

  it('the confirmed page names the lists and has no form', () => {
    const page = confirmedPage(['Weekly']);
    expect(page).toContain("You're subscribed");
    expect(page).toContain('<li>Weekly</li>');
    expect(page).not.toContain('<form');
  });

  it('the invalid-link page says so and has no form', () => {
    const page = invalidLinkPage();
    expect(page).toContain('invalid or has expired');
    expect(page).not.toContain('<form');
  });
});
