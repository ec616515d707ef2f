'use strict';
/**
 * An HTTP load generator in a process of its own, driven over IPC by a benchmark (bench/pixel.js): autocannon with
 * pre-built requests, so that neither the bench's bookkeeping nor the server measured shares its process, and its
 * CPU time can be read alone.
 *
 * Each connection gets its own list of paths (indexes into the paths loaded beforehand); autocannon turns every
 * entry into request bytes once, before the clock starts, and then writes them in turn: no callback per request.
 * When a run ends it reports per connection how many requests it wrote and whether the last one was still
 * unanswered, which says exactly which entries of its list were answered (list order, wrapping round).
 *
 * Messages in: {type: 'paths', file} appends the file's lines (one path each) to the paths;
 *   {type: 'run', url, seconds, lists: number[][], agents: string[]} runs one round, `lists[c]` for connection c,
 *   the user agent of path i being agents[i % agents.length]; {type: 'stop'}.
 * Messages out: {type: 'ready'}; {type: 'result', ...} after each run (see `run`).
 */
const { readFileSync } = require('node:fs');
const autocannon = require('autocannon');

const paths = [];

process.on('message', (msg) => {
  if (msg.type === 'paths') {
    for (const line of readFileSync(msg.file, 'utf8').split('\n')) if (line) paths.push(line);
    process.send({ type: 'loaded', count: paths.length });
  } else if (msg.type === 'run') run(msg).then((result) => process.send({ type: 'result', ...result }), (err) => process.send({ type: 'error', message: String(err?.stack ?? err) }));
  else if (msg.type === 'stop') process.exit(0);
});
process.send({ type: 'ready' });

/**
 * One round. Returns what autocannon measured (2xx and other answers, errors, latency), the seconds from the
 * moment every connection's requests were built to the end, the generator's CPU seconds in that span (all its
 * threads; 1 per second = one core busy), and per connection {made, inFlight}.
 */
function run({ url, seconds, lists, agents }) {
  const connections = lists.map(() => ({ made: 0, inFlight: 0 }));
  let next = 0;
  const requestsOf = (list) => list.map((i) => ({ method: 'GET', path: paths[i], headers: { 'user-agent': agents[i % agents.length] } }));
  const errorKinds = {};
  return new Promise((resolve, reject) => {
    let cpu0;
    let t0;
    const instance = autocannon(
      {
        url,
        connections: lists.length,
        pipelining: 1,
        duration: seconds,
        // autocannon's clock for a request starts when its client is made, and the clients are made one after
        // another before the round starts, each building its list's bytes (about 7 µs a request: 11 s for 50
        // lists of 32,500 on a machine where the bare server answers 77,000 a second). With its default of 10 s the
        // first clients "timed out" before they had sent anything. Within a round a timeout cannot happen anyway:
        // a request unanswered at the round's end is counted as cut off, and checked against what was recorded.
        timeout: 120,
        // Each client its own list; built here, before the timer starts. The counts are read when autocannon
        // destroys the client at the end (its queue then holds the request still unanswered, if any).
        setupClient: (client) => {
          const mine = connections[next];
          client.setRequests(requestsOf(lists[next++]));
          const destroy = client.destroy;
          client.destroy = function () {
            if (!this.destroyed) {
              mine.made = this.reqsMade;
              mine.inFlight = this.pipelinedRequests.size();
            }
            return destroy.call(this);
          };
        },
      },
      (err, result) => {
        if (err) return reject(err);
        const cpu = process.cpuUsage(cpu0);
        resolve({
          answered: result.requests.total,
          non2xx: result.non2xx,
          errors: result.errors, // autocannon counts its timeouts among its errors
          p50: result.latency.p50,
          p99: result.latency.p99,
          seconds: Number(process.hrtime.bigint() - t0) / 1e9,
          cpuSeconds: (cpu.user + cpu.system) / 1e6,
          connections,
          errorKinds,
        });
      },
    );
    instance.on('reqError', (err) => {
      const kind = err?.code ?? err?.message ?? String(err);
      errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
    });
    // autocannon builds its clients synchronously: the load starts now.
    cpu0 = process.cpuUsage();
    t0 = process.hrtime.bigint();
  });
}
