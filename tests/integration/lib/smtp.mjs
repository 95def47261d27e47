// A local SMTP sink for the tests of mail the daemon sends (reset links, activation links):
// every mail is kept with its envelope and raw text.
import { setTimeout as sleep } from 'node:timers/promises';
import { SMTPServer } from 'smtp-server';

// Options: refuse (how many recipients to refuse before taking mail), code (the refusal's
// SMTP code, 451 by default: "try again later"; 550 refuses for good), delayMs (how long the
// sink takes to accept each mail's text, as a slow relay would). `rcpts` counts every
// recipient offered, refused or not.
export async function smtpSink({ refuse = 0, code = 451, delayMs = 0 } = {}) {
  const mails = [];
  const counts = { rcpts: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onRcptTo(address, session, cb) {
      counts.rcpts++;
      if (counts.rcpts <= refuse) {
        const e = new Error(code >= 500 ? 'Mailbox unavailable' : 'Try again later');
        e.responseCode = code;
        return cb(e);
      }
      return cb();
    },
    onData(stream, session, cb) {
      let text = '';
      stream.setEncoding('utf8');
      stream.on('data', (c) => { text += c; });
      stream.on('end', async () => {
        if (delayMs > 0) await sleep(delayMs);
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), from: session.envelope.mailFrom.address, text });
        cb();
      });
    },
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { mails, counts, port: server.server.address().port, close: () => new Promise((resolve) => server.close(resolve)) };
}

// The first mail to email, waiting up to timeoutMs; null when none came.
export async function mailFor(mails, email, timeoutMs = 15_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const m = mails.find((x) => x.to.includes(email));
    if (m) return m;
    if (Date.now() > end) return null;
    await sleep(50);
  }
}
