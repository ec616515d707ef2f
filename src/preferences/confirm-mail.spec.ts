import { buildConfirmMail } from './confirm-mail';

describe('buildConfirmMail', () => {
  const url = 'https://news.example.com/confirm/abc.def';

  it('puts the link and every list name in both the text and the HTML', () => {
    const mail = buildConfirmMail({ name: 'Ada', listNames: ['Weekly', 'Offers'], confirmUrl: url, validDays: 7 });
    expect(mail.subject).toBe('Please confirm your subscription');
    for (const part of [mail.text, mail.html]) {
      expect(part).toContain(url);
      expect(part).toContain('Weekly');
      expect(part).toContain('Offers');
      expect(part).toContain('7 days');
    }
    expect(mail.text).toMatch(/^Hello Ada,/);
    expect(mail.html).toContain(`href="${url}"`);
  });

  it('escapes the name and list names in the HTML but leaves the text as written', () => {
    const mail = buildConfirmMail({ name: '<i>Eve</i>', listNames: ['<script>x</script> & co'], confirmUrl: url, validDays: 7 });
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).not.toContain('<i>Eve');
    expect(mail.html).toContain('&lt;script&gt;x&lt;/script&gt; &amp; co');
    expect(mail.html).toContain('Hello &lt;i&gt;Eve&lt;/i&gt;,');
    expect(mail.text).toContain('<script>x</script> & co');
  });

  it('greets without a name when there is none', () => {
    expect(buildConfirmMail({ name: '  ', listNames: ['Weekly'], confirmUrl: url, validDays: 7 }).text).toMatch(/^Hello,\n/);
  });
});
