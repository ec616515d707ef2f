/** Who sends bounces: MTAs' daemons and postmasters, never a person. */
const DAEMON_SENDER =
  /mailer-daemon|mailer daemon|postmaster|post_master|mail delivery|delivery subsystem|delivery system|delivery service|mail administrator|system administrator|\bmailer\b|daemon|antivirus|\bimss\b|_smtp_|smtp|\bndr\b|bounce|jetmail|mdaemon|^\s*<?>?\s*$|^\s*<>/i;

/** What bounces are called (Japanese, Chinese and Korean carriers' notices too: "メールエラー通知", "退信", "반송"). */
const BOUNCE_SUBJECT =
  /undeliver|undelivered|returned mail|returning message|delivery (?:status|fail|notification|problem|report|has failed|error)|failure (?:notice|delivery)|mail delivery|non[- ]?delivery|could not be delivered|not be delivered|failed mail|mail system error|message status|mail error|processing error|mail not delivered|not delivered|non remis|nicht zustellbar|non recapitabile|automatically rejected|delayed|delivery failed|error report|nameserver error|warning: |user unknown|not listed|rejected|failure|メールエラー|エラー通知|配信エラー|送信エラー|不達|未達|退信|投递失败|无法投递|반송|전송 실패/i;

/** What auto-replies are called. */
const AUTO_REPLY_SUBJECT =
  /^\s*(?:\[?auto(?:matic|matyczna|matische)?[ :_-]|auto(?:reply|response|antwort)|out of (?:the )?office|vacation|abwesen|absence|r[ée]ponse automatique|risposta automatica|respuesta autom|thank you for your (?:e-?mail|message))|\((?:automatic|auto) (?:reply|response)\)|is out of the office|\bauto[- ]?reply\b/i;

/** What delivery and read notices (Exchange's "Delivered:", "Relayed:", DSNs on success) are called. */
const SUCCESS_SUBJECT =
  /^\s*(?:delivered|relayed|read|zugestellt|gelesen|remis)\s*:|delivery status notification \((?:relay|success)\)|successful mail delivery|delivery (?:has )?succeeded/i;

/** A notice's own words that the message arrived, when nothing says it failed. */
const SUCCESS_TEXT =
  /delivery to (?:these|the following) recipients?(?: or (?:groups|distribution lists))? (?:is|was) complete|your message (?:has been|was) (?:successfully )?(?:delivered|relayed)/i;
const FAILURE_TEXT = /fail|undeliver|not (?:be )?delivered|could not|unable|error|rejected|refused/i;

/** A delivery or relay notice: no bounce. */
export function isSuccessNotice(subject: string, text: string): boolean {
  if (SUCCESS_SUBJECT.test(subject)) return true;
  const head = text.slice(0, 4000);
  return SUCCESS_TEXT.test(head) && !FAILURE_TEXT.test(head);
}

/** Whether a message that has no report part may be a bounce at all (and is no auto-reply). */
export function mayBeBounce(headers: { from: string; subject: string; failedRecipients: boolean }): boolean {
  if (headers.failedRecipients) return true;
  const daemon = DAEMON_SENDER.test(headers.from);
  if (!daemon && AUTO_REPLY_SUBJECT.test(headers.subject)) return false;
  return daemon || BOUNCE_SUBJECT.test(headers.subject);
}
