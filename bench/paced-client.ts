/**
 * A paced load generator for bench/webhooks.ts, run as its own process: sends POST requests at a
 * fixed rate, evenly spaced (one every 1000/rate ms, whatever the answers' latency), over
 * keep-alive connections, and prints {p50, p99, sent, errors} as JSON. autocannon's rate mode
 * releases each second's requests in a burst, which measures queueing behind the burst rather
 * than latency at a steady rate.
 *
 * Usage: node dist/bench/paced-client.js URL RATE SECONDS BODY
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

const [url, rateText, secondsText, body = '{}'] = process.argv.slice(2);
const rate = Number(rateText);
const total = Math.round(rate * Number(secondsText));
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
const latencies: number[] = [];
let errors = 0;

function send(): Promise<void> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request(url!, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode !== 200) errors++;
        latencies.push(performance.now() - started);
        resolve();
      });
    });
    req.on('error', () => {
      errors++;
      resolve();
    });
    req.end(body);
  });
}

const begin = performance.now();
const pending: Promise<void>[] = [];
for (let i = 0; i < total; i++) {
  const due = begin + (i * 1000) / rate;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  pending.push(send());
}
await Promise.all(pending);
agent.destroy();
latencies.sort((a, b) => a - b);
const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
process.stdout.write(JSON.stringify({ p50: at(0.5), p99: at(0.99), sent: total, errors }));
