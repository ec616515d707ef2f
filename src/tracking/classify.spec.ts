import { burstClicks, isAppleNetwork, machineOpen, scannerClick } from './classify';

const IPHONE_MAIL =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148';
const GMAIL_PROXY = 'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)';

describe('machineOpen', () => {
  it("flags Apple Mail Privacy Protection's bare user agent from anywhere", () => {
    expect(machineOpen('Mozilla/5.0', '203.0.113.9')).toBe('apple-mpp');
    expect(machineOpen(' Mozilla/5.0 ', null)).toBe('apple-mpp');
  });

  it("flags fetches from Apple's network that name no browser, but not Apple staff reading in a browser", () => {
    expect(machineOpen('', '17.58.63.1')).toBe('apple-mpp');
    expect(machineOpen(null, '::ffff:17.120.0.5')).toBe('apple-mpp');
    expect(machineOpen(IPHONE_MAIL, '17.58.63.1')).toBeNull();
  });

  it("flags Google's image proxy", () => {
    expect(machineOpen(GMAIL_PROXY, '66.249.84.1')).toBe('google-proxy');
  });

  it('counts a mail client or a browser as a person', () => {
    expect(machineOpen(IPHONE_MAIL, '198.51.100.4')).toBeNull();
    expect(
      machineOpen(
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/124.0 Safari/537.36',
        '10.0.0.1',
      ),
    ).toBeNull();
    expect(machineOpen(null, '198.51.100.4')).toBeNull();
  });
});

describe('isAppleNetwork', () => {
  it('is 17.0.0.0/8 only', () => {
    expect(isAppleNetwork('17.0.0.1')).toBe(true);
    expect(isAppleNetwork('170.0.0.1')).toBe(false);
    expect(isAppleNetwork('117.0.0.1')).toBe(false);
    expect(isAppleNetwork('2001:db8::17')).toBe(false);
    expect(isAppleNetwork(null)).toBe(false);
  });
});

describe('scannerClick', () => {
  const sentAt = new Date('2026-03-01T10:00:00Z');

  it('flags HEAD requests', () => {
    expect(scannerClick('HEAD', new Date('2026-03-02T10:00:00Z'), sentAt)).toBe('head');
  });

  it('flags a click within 10 seconds of delivery, not one later', () => {
    expect(scannerClick('GET', new Date('2026-03-01T10:00:09.999Z'), sentAt)).toBe('on-delivery');
    expect(scannerClick('GET', new Date('2026-03-01T10:00:10Z'), sentAt)).toBeNull();
    expect(scannerClick('GET', new Date('2026-03-01T10:00:01Z'), null)).toBeNull();
  });
});

describe('burstClicks', () => {
  const at = (ms: number) => new Date(Date.UTC(2026, 2, 1, 12) + ms);

  it('flags different links of one message clicked within two seconds, both of them', () => {
    const a = { messageId: 'm1', url: 'https://a.example/', at: at(0) };
    const b = { messageId: 'm1', url: 'https://b.example/', at: at(1500) };
    expect(burstClicks([b, a])).toEqual(new Set([a, b]));
  });

  it('leaves alone the same link clicked twice, links clicked far apart, and other messages', () => {
    const same = [
      { messageId: 'm1', url: 'https://a.example/', at: at(0) },
      { messageId: 'm1', url: 'https://a.example/', at: at(100) },
    ];
    const apart = [
      { messageId: 'm2', url: 'https://a.example/', at: at(0) },
      { messageId: 'm2', url: 'https://b.example/', at: at(2000) },
    ];
    const others = [
      { messageId: 'm3', url: 'https://a.example/', at: at(0) },
      { messageId: 'm4', url: 'https://b.example/', at: at(10) },
    ];
    expect(burstClicks([...same, ...apart, ...others]).size).toBe(0);
  });
});
