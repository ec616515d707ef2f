import { footerNeeds, footerNotice, FooterValues, withLegalFooter } from './legal-footer';

const values: FooterValues = {
  unsubscribeUrl: 'https://mail.shop.test/u/abc.def',
  preferencesUrl: 'https://mail.shop.test/p/ghi.jkl',
  companyAddress: 'Smith & Sons Ltd\n1 High St\nLondon',
};
const html = (inner: string) => `<html><body><p>Hello</p>${inner}</body></html>`;
const ADDRESS_HTML = 'Smith &amp; Sons Ltd<br>1 High St<br>London';
const ADDRESS_TEXT = 'Smith & Sons Ltd\n1 High St\nLondon';

describe('the legal footer', () => {
  it('adds nothing when both parts carry the unsubscribe link and the address', () => {
    const message = {
      subject: 's',
      html: html(`<a href="${values.unsubscribeUrl}">Leave</a> ${ADDRESS_HTML}`),
      text: `Hello\nLeave [${values.unsubscribeUrl}]\n${ADDRESS_TEXT}`,
    };
    expect(withLegalFooter(message, values)).toEqual(message);
    expect(footerNotice(footerNeeds(message, values))).toBeNull();
  });

  it('adds only the address where the template has its own unsubscribe link, in both parts', () => {
    const message = {
      subject: 's',
      html: html(`<a href="${values.unsubscribeUrl}">Leave</a>`),
      text: `Leave [${values.unsubscribeUrl}]`,
    };
    const out = withLegalFooter(message, values);
    expect(out.html).toContain(`${ADDRESS_HTML}</p></div></body>`);
    expect(out.html.split(values.unsubscribeUrl)).toHaveLength(2);
    expect(out.text).toBe(`Leave [${values.unsubscribeUrl}]\n\n${ADDRESS_TEXT}`);
    expect(footerNotice(footerNeeds(message, values))).toBe(
      'A footer with the postal address will be added to every mail: this template does not show it.',
    );
  });

  it('does not take the preferences link (the unsubscribe link with /preferences after it) for the unsubscribe link', () => {
    const prefs = { ...values, preferencesUrl: `${values.unsubscribeUrl}/preferences` };
    const message = {
      subject: 's',
      html: html(`<a href="${prefs.preferencesUrl}">Preferences</a> ${ADDRESS_HTML}`),
      text: `Preferences: ${prefs.preferencesUrl}\n${ADDRESS_TEXT}`,
    };
    expect(footerNeeds(message, prefs)).toEqual({
      html: { unsubscribe: true, address: false },
      text: { unsubscribe: true, address: false },
    });
    expect(withLegalFooter(message, prefs).html).toContain(`<a href="${prefs.unsubscribeUrl}"`);
  });

  it('adds the unsubscribe and preference links where the template has only the address', () => {
    const message = { subject: 's', html: html(ADDRESS_HTML), text: ADDRESS_TEXT };
    const out = withLegalFooter(message, values);
    expect(out.html).toContain(`<a href="${values.unsubscribeUrl}"`);
    expect(out.html).toContain(`<a href="${values.preferencesUrl}"`);
    expect(out.html.split('1 High St')).toHaveLength(2);
    expect(out.text).toBe(
      `${ADDRESS_TEXT}\n\nUnsubscribe: ${values.unsubscribeUrl}\nManage preferences: ${values.preferencesUrl}`,
    );
  });

  it('judges each part on its own: a link in the text part only still gets one in the HTML part', () => {
    const message = { subject: 's', html: html(ADDRESS_HTML), text: `${values.unsubscribeUrl}\n${ADDRESS_TEXT}` };
    const needs = footerNeeds(message, values);
    expect(needs).toEqual({
      html: { unsubscribe: true, address: false },
      text: { unsubscribe: false, address: false },
    });
    expect(footerNotice(needs)).toBe(
      'A footer will be added to every mail with the unsubscribe link to the HTML part: this template does not show it there.',
    );
  });

  it('does not count a link or an address inside an HTML comment', () => {
    const message = { subject: 's', html: html(`<!-- ${values.unsubscribeUrl} ${ADDRESS_HTML} -->`), text: '' };
    expect(footerNeeds(message, values).html).toEqual({ unsubscribe: true, address: true });
  });

  it('finds an address printed on one line, escaped, or line by line', () => {
    const oneLine = {
      subject: 's',
      html: html(`${values.unsubscribeUrl} Smith &amp; Sons Ltd 1 High St London`),
      text: `${values.unsubscribeUrl} Smith & Sons Ltd, 1 High St, London`,
    };
    expect(footerNeeds(oneLine, values)).toEqual({
      html: { unsubscribe: false, address: false },
      text: { unsubscribe: false, address: false },
    });
  });

  it('adds no address when none is configured', () => {
    const message = { subject: 's', html: html(values.unsubscribeUrl), text: values.unsubscribeUrl };
    expect(withLegalFooter(message, { ...values, companyAddress: ' ' })).toEqual(message);
  });
});
