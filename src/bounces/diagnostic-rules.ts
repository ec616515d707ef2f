import type { BounceReason, BounceType } from './bounce-reasons';

interface TextRule {
  reason: BounceReason;
  type: Exclude<BounceType, 'complaint'>;
  pattern: RegExp;
}

/*
 * What real MTAs and providers write, tried in order on a lower-cased diagnostic; the first that matches wins.
 * Refusals of the sender or content come first: a "550 5.1.1"-looking line that says "spam" or "SPF" is about
 * the message, and the address may be fine. Every pattern is a plain alternation of literals with at most a
 * bounded gap ({0,40}), so matching is linear in the text.
 */
export const TEXT_RULES: readonly TextRule[] = [
  {
    reason: 'auth-failed',
    type: 'blocked',
    pattern:
      /\bspf\b|sender policy framework|\bdkim\b|\bdmarc\b|domainkeys|authentication (fail|requir)|not authenticated|unauthenticated|5\.7\.(?:2[3-7])\b/,
  },
  {
    reason: 'virus',
    type: 'blocked',
    // Not the bare word: scanners sign their notices ("InterScan VirusWall", "virus scanned").
    pattern:
      /\bvirus(?:es)? (?:found|detected|was found|alert)|contains? (?:a |an )?(?:virus|infection)|virus-infected|infected|malware|trojan/,
  },
  {
    reason: 'reputation-blocked',
    type: 'blocked',
    pattern:
      /blacklist|black list|blocklist|block list|\brbl\b|dnsbl|spamhaus|spamcop|sorbs|barracuda|reputation|blocked using|(?<!not )listed (?:at|in|on|by)|client host [^\s]{0,60} blocked|client host rejected|is not allowed to send mail from|\bip\b[^.]{0,40}\b(?:blocked|banned|rejected)|poor sender|sender is blocked|senderscore|\bptr\b|reverse (?:dns|lookup)|\brdns\b|ip name lookup failed/,
  },
  {
    // "spam" as a word or a filter's term ("MCSpamSignature"): a host name that merely holds it
    // ("ALLABOUTSPAM.COM", a test service answering every message) is no verdict.
    reason: 'spam-blocked',
    type: 'blocked',
    pattern:
      /(?:\b|anti-?)spam|spam ?(?:signature|filter|check|assassin|score|detect|trap)|unsolicited|\bube\b|bulk (?:e-?mail|mail)|mass mailer|content (?:filter|reject)|content rejected|message content|junk|uribl|surbl|phish|suspicious|scam|fraud/,
  },
  {
    // A mailing list refusing a non-member says nothing about the address (and "posting is disabled" is no closed mailbox).
    reason: 'policy-blocked',
    type: 'blocked',
    pattern: /non-member|members-only|not a member|moderator/,
  },
  {
    // A DNS lookup that failed for now ("Host not found, try again"), or whose answer could not be read (Postfix's
    // "Malformed or unexpected name server reply", written with 5.4.4), is not a domain known not to exist.
    reason: 'connection-failed',
    type: 'soft',
    pattern:
      /host not found, try again|temporary failure in name resolution|dns (?:lookup )?(?:timeout|temporary)|malformed (?:or unexpected )?name server reply|unexpected name server reply|\bservfail\b/,
  },
  {
    // A quota on what the sender may send ("You've reached your daily relay quota") is no full mailbox.
    reason: 'rate-limited',
    type: 'soft',
    pattern: /(?:relay|sending|send|outbound|daily|hourly) quota|quota (?:of|on) (?:messages )?sen[dt]/,
  },
  {
    reason: 'mailbox-full',
    type: 'soft',
    pattern:
      /mailbox (?:is )?full|mailbox size limit|full mailbox|mail ?folder is full|box is full|account is full|over ?quota|quota|disk space|insufficient (?:system )?storage|storage (?:limit|space|allocation)|exceeds? (?:the )?(?:allowed|maximum)? ?(?:mailbox )?size:|mailbox exceeds|zuviele mails|postfach (?:voll|ist voll)|too many (?:messages|mails) (?:in|on)|boite pleine|casilla llena|exceeded (?:its|their|the) (?:disk|storage)/,
  },
  {
    reason: 'message-too-large',
    type: 'soft',
    pattern:
      /message (?:size|length) (?:\d{1,12} )?exceeds|too large|too big|size limit|sizelimit|exceeds? (?:the )?(?:maximum|fixed) (?:\w{1,20} )?(?:message )?size|maximum (?:\w{1,20} )?message size|message size|class=size/,
  },
  {
    reason: 'mailbox-disabled',
    type: 'hard',
    pattern:
      /(?:account|mailbox|address|user|recipient)[^.;]{0,40}\b(?:disabled|deactivated|discontinued|suspended|inactive|not active|no longer active|closed|terminated|locked)\b|deactivated mailbox|is not an active address|no longer (?:on server|with|in use|available|valid|exists)|has been (?:disabled|deactivated|closed|suspended)|disabled (?:recipient|user|account|mailbox|address)|moved (?:permanently|to)|user has moved|konto (?:gesperrt|deaktiviert)|(?:mailbox|account|casilla|cuenta|buz[oó]n|caixa|conta)[^.;]{0,20}\b(?:has |is |ha |est[aá] )?(?:expired|expirad[oa]|expirou|caducad[oa])\b|(?:casilla|cuenta|buz[oó]n|caixa|conta|usuario|usu[aá]rio)[^.;]{0,30}\b(?:desactivad[oa]|deshabilitad[oa]|inactiv[oa]|suspendid[oa]|desativad[oa]|inativ[oa]|cancelad[oa])\b|(?:mailbox|account|casilla|cuenta|buz[oó]n|caixa|conta)[^.;]{0,40}\b(?:for lack of use|por falta de uso|por inactividad|due to inactivity|because of inactivity)/,
  },
  {
    reason: 'domain-unknown',
    type: 'hard',
    pattern:
      /host unknown|unknown host|domain (?:does not exist|not found|unknown|name not found|is not valid)|no such domain|unknown domain|name service error|name or service not known|host not found|hostname lookup failed|nxdomain|no mx|unrouteable mail domain|domain not exist|domain does not accept mail|nameserver error|no (?:valid )?(?:dns|mail exchanger)|domain is not reachable/,
  },
  {
    reason: 'user-unknown',
    type: 'hard',
    pattern:
      /user ?unknown|unknown (?:e-?mail )?(?:user|recipient|address|mailbox|local[- ]part|alias)|no such (?:user|mailbox|recipient|account|address|person)|(?:user|recipient|mailbox|address|account|addressee)(?: address)? (?:does not|doesn't|did not) exist|(?:user|recipient|mailbox|address|account) (?:\S{1,80} )?(?:does not|doesn't) exist|does not exist|not (?:a )?(?:valid|known) (?:user|mailbox|recipient|address)|is not a known user|invalid (?:recipient|mailbox|address|user|final delivery userid)|mailbox (?:not found|unavailable|not available|does not exist)|no mailbox|recipient (?:unknown|not found|rejected)|addressee unknown|not listed in|bad destination mailbox|bad[_ ]recipient|badrcptto|user not found|not our customer|unrouteable address|unknown or illegal user|illegal user|nie istnieje|niedostepne|(?:user|mailbox|recipient) (?:is )?unavailable|no account|account (?:does not exist|not found)|non[- ]existent|inexistant|n'existe pas|existiert nicht|unbekannt|undeliverable address|address unknown|no valid recipients|not a valid mailbox|no mail box|not recogni[sz]ed|user not known|(?:does not|doesn't) have an? \S{0,60} ?account|did not (?:exactly )?match|does not have a final (?:e-?mail )?delivery point|no matches to nameserver query|not a valid user|address (?:couldn't|could not|cannot|can't) be found/,
  },
  {
    reason: 'relay-denied',
    type: 'hard',
    pattern:
      /relay(?:ing)? (?:access )?(?:denied|not permitted|prohibited)|unable to relay|relay not permitted|not permitted to relay|rcpthosts|as a relay|we do not relay|no relaying/,
  },
  { reason: 'greylisted', type: 'soft', pattern: /greylist|grey-list|graylist|gray-list/ },
  {
    reason: 'rate-limited',
    type: 'soft',
    pattern:
      /rate limit|too quickly|too many (?:messages|connections|recipients|mails|emails)|throttl|sending rate|exceeded (?:the )?(?:\w{1,20} )?(?:rate|limit)|temporarily (?:deferred|rejected)|too much mail/,
  },
  {
    reason: 'expired',
    type: 'soft',
    pattern:
      /expired|delivery time|maximum[- ]time|retry time|timed? ?out|time limit|giving up|could not be delivered for|too long in queue|undeliverable for|aborted after|have been failing|not been collected|failed \d{1,4} attempts|maximum delivery attempts|could not find a gateway|not reachable within/,
  },
  {
    reason: 'connection-failed',
    type: 'soft',
    pattern:
      /connection (?:refused|timed out|reset|lost|closed|dropped)|unable to connect|could not connect|can't connect|cannot connect|no route to host|network (?:is )?unreachable|establish an smtp connection|read error|lost connection|server (?:is )?busy|service (?:temporarily )?(?:not )?(?:available|unavailable)|temporary (?:server )?(?:error|failure)/,
  },
  {
    reason: 'policy-blocked',
    type: 'blocked',
    pattern:
      /policy|not allowed|not accepting|access denied|denied|refused|rejected|prohibited|not permitted|blocked|banned|whitelist|pre-approved|requires confirmation|not authori[sz]ed|non-member|moderator|administrative/,
  },
  {
    // What passes or is the receiving side's own fault: a loop, a directory naming several users for one address
    // (Domino's "not unique. Several matches found"): the address exists.
    reason: 'other',
    type: 'soft',
    pattern:
      /loop|too many hops|not unique|several matches|ambiguous (?:address|recipient|name|user)|command died|mailer error|internal error|local error|configuration error|mail system error|error while being processed|please try (?:to )?resend/,
  },
];

/** The first text rule matching `text` (lower-case it first), or null. */
export function matchText(text: string): TextRule | null {
  for (const rule of TEXT_RULES) if (rule.pattern.test(text)) return rule;
  return null;
}
