#!/usr/bin/env node
/**
 * The benchmark's SMTP sink, run as its own process (fork with IPC): a raw socket (node:net) that answers SMTP
 * and only counts, so that it is never what limits a benchmark. It keeps no content and parses nothing but the
 * commands: it advertises PIPELINING, 8BITMIME and SIZE, answers every command of a packet in order (EHLO/HELO,
 * MAIL FROM, RCPT TO, DATA, RSET, NOOP, QUIT, ...), and finds the end of a message's data (CRLF.CRLF, which may
 * span packets) with one Buffer search per packet.
 *
 * It reports to its parent: {type:'ready', port} once listening; on {type:'count'},
 * {type:'count', counts: {total, bytes, byPrefix, bytesByPrefix, cpuMicros, at}}: the messages and data bytes
 * accepted so far, the messages and their bytes per recipient prefix (the local part before its first '-'; a
 * message counts once for each of its recipients), the CPU time this process has used
 * (process.cpuUsage(), user + system, µs) and the moment of the answer (Date.now()), from which the parent
 * works out how busy the sink was in a phase; each message to an `order-…` address as {type:'order', to, at}
 * (the time it accepted the message, Date.now()), for the transactional latency. {type:'stop'} closes it.
 */
'use strict';
const net = require('node:net');

const MAX_LINE = 64 * 1024; // a command line longer than this is refused and the connection closed
const MAX_SIZE = 100 * 1024 * 1024; // advertised only; messages are never refused for their size
const TERMINATOR = Buffer.from('\r\n.\r\n');
const EHLO_REPLY = ['250-sink.bench.example', '250-PIPELINING', '250-8BITMIME', `250-SIZE ${MAX_SIZE}`, '250 SMTPUTF8'].join('\r\n') + '\r\n';

const counts = { total: 0, bytes: 0, byPrefix: {}, bytesByPrefix: {} };

function accepted(rcpts, bytes) {
  const at = Date.now();
  counts.total++;
  counts.bytes += bytes;
  for (const address of rcpts) {
    const prefix = address.split(/[-@]/, 1)[0];
    counts.byPrefix[prefix] = (counts.byPrefix[prefix] ?? 0) + 1;
    counts.bytesByPrefix[prefix] = (counts.bytesByPrefix[prefix] ?? 0) + bytes;
    if (prefix === 'order') process.send({ type: 'order', to: address, at });
  }
}

/** The address inside `<…>` of a MAIL FROM / RCPT TO argument (without the brackets, parameters dropped). */
function pathOf(argument) {
  const match = /<([^>]*)>/.exec(argument);
  return match ? match[1] : argument.trim().split(/\s+/, 1)[0];
}

function session(socket) {
  socket.setNoDelay(true);
  let pending = null; // an unfinished command line (Buffer)
  let inData = false;
  let tail = null; // in data: the last bytes seen (up to 4), to find a terminator across packets
  let dataBytes = 0;
  let from = null;
  let rcpts = [];
  let closing = false;

  const reset = () => {
    from = null;
    rcpts = [];
  };

  /** One command line (without CRLF) → its reply; switches to data mode after DATA. */
  function command(line) {
    const space = line.indexOf(' ');
    const verb = (space < 0 ? line : line.slice(0, space)).toUpperCase();
    const argument = space < 0 ? '' : line.slice(space + 1);
    switch (verb) {
      case 'EHLO':
        reset();
        return EHLO_REPLY;
      case 'HELO':
        reset();
        return '250 sink.bench.example\r\n';
      case 'MAIL':
        if (!/^FROM:/i.test(argument)) return '501 5.5.4 Syntax: MAIL FROM:<address>\r\n';
        if (from !== null) return '503 5.5.1 Nested MAIL command\r\n';
        from = pathOf(argument.slice(5));
        return '250 2.1.0 OK\r\n';
      case 'RCPT':
        if (!/^TO:/i.test(argument)) return '501 5.5.4 Syntax: RCPT TO:<address>\r\n';
        if (from === null) return '503 5.5.1 MAIL first\r\n';
        rcpts.push(pathOf(argument.slice(3)));
        return '250 2.1.5 OK\r\n';
      case 'DATA':
        if (from === null) return '503 5.5.1 MAIL first\r\n';
        if (!rcpts.length) return '554 5.5.1 No valid recipients\r\n';
        inData = true;
        tail = Buffer.from('\r\n'); // the DATA line's CRLF: an empty message ends at ".\r\n"
        dataBytes = 0;
        return '354 End data with <CR><LF>.<CR><LF>\r\n';
      case 'RSET':
        reset();
        return '250 2.0.0 OK\r\n';
      case 'NOOP':
        return '250 2.0.0 OK\r\n';
      case 'VRFY':
        return '252 2.1.5 Cannot VRFY user\r\n';
      case 'QUIT':
        closing = true;
        return '221 2.0.0 Bye\r\n';
      default:
        return '502 5.5.2 Command not implemented\r\n';
    }
  }

  /**
   * In data mode: where the terminator ends in `chunk` (the index after its last byte), or -1. A terminator may
   * start in `tail` (the previous packets' last bytes).
   */
  function findEnd(chunk) {
    if (tail.length) {
      const joined = Buffer.concat([tail, chunk.subarray(0, TERMINATOR.length - 1)]);
      const at = joined.indexOf(TERMINATOR);
      if (at >= 0) return at + TERMINATOR.length - tail.length;
    }
    const at = chunk.indexOf(TERMINATOR);
    return at < 0 ? -1 : at + TERMINATOR.length;
  }

  socket.on('data', (chunk) => {
    let replies = '';
    let offset = 0;
    while (offset < chunk.length && !closing) {
      if (inData) {
        const rest = offset ? chunk.subarray(offset) : chunk;
        const end = findEnd(rest);
        if (end < 0) {
          dataBytes += rest.length;
          const keep = TERMINATOR.length - 1;
          tail = rest.length >= keep ? Buffer.from(rest.subarray(-keep)) : Buffer.concat([tail, rest]).subarray(-keep);
          offset = chunk.length;
          break;
        }
        // the data's bytes: everything before the terminator's ".\r\n" (its first CRLF ends the last line)
        dataBytes += Math.max(0, end - 3);
        accepted(rcpts, dataBytes);
        replies += '250 2.0.0 OK: queued\r\n';
        inData = false;
        tail = null;
        reset();
        offset += end;
        continue;
      }
      const lf = chunk.indexOf(10, offset);
      if (lf < 0) {
        const rest = chunk.subarray(offset);
        pending = pending ? Buffer.concat([pending, rest]) : Buffer.from(rest);
        if (pending.length > MAX_LINE) {
          replies += '500 5.5.2 Line too long\r\n';
          closing = true;
        }
        break;
      }
      let lineBuffer = chunk.subarray(offset, lf);
      if (pending) {
        lineBuffer = Buffer.concat([pending, lineBuffer]);
        pending = null;
      }
      offset = lf + 1;
      let line = lineBuffer.toString('latin1');
      if (line.endsWith('\r')) line = line.slice(0, -1);
      replies += command(line);
    }
    if (replies) socket.write(replies);
    if (closing) socket.end();
  });
  socket.on('error', () => {}); // a client that goes away mid-transaction is not the sink's problem
  socket.write('220 sink.bench.example ESMTP ready\r\n');
}

const server = net.createServer(session);

process.on('message', (msg) => {
  if (msg.type === 'count') {
    const { user, system } = process.cpuUsage();
    process.send({ type: 'count', counts: { ...counts, byPrefix: { ...counts.byPrefix }, bytesByPrefix: { ...counts.bytesByPrefix }, cpuMicros: user + system, at: Date.now() } });
  }
  if (msg.type === 'stop') {
    server.close(() => process.exit(0));
    // connections a client left open (a pool that was not closed) must not keep the sink alive
    setTimeout(() => process.exit(0), 2000).unref();
  }
});

server.listen(Number(process.env.SINK_PORT ?? 0), '127.0.0.1', () => process.send({ type: 'ready', port: server.address().port }));
