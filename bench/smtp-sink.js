#!/usr/bin/env node
/**
 * The benchmark's SMTP sink, run as its own process (fork with IPC): accepts every message, keeps no
 * content. It reports to its parent: {ready, port} once listening; on {type:'count'} the counts so far
 * per recipient prefix; and each message to an `order-…` address as {type:'order', to, at} (the time
 * it accepted the message, Date.now()), for the transactional latency.
 */
'use strict';
const { SMTPServer } = require('smtp-server');

const counts = { total: 0, bytes: 0, byPrefix: {} };
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  size: 0,
  onData(stream, session, callback) {
    let bytes = 0;
    stream.on('data', (chunk) => (bytes += chunk.length));
    stream.on('end', () => {
      const at = Date.now();
      counts.total++;
      counts.bytes += bytes;
      for (const rcpt of session.envelope.rcptTo) {
        const prefix = rcpt.address.split(/[-@]/, 1)[0];
        counts.byPrefix[prefix] = (counts.byPrefix[prefix] ?? 0) + 1;
        if (prefix === 'order') process.send({ type: 'order', to: rcpt.address, at });
      }
      callback();
    });
  },
});

process.on('message', (msg) => {
  if (msg.type === 'count') process.send({ type: 'count', counts });
  if (msg.type === 'stop') server.close(() => process.exit(0));
});

server.listen(Number(process.env.SINK_PORT ?? 0), '127.0.0.1', () => process.send({ type: 'ready', port: server.server.address().port }));
