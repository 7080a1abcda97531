/**
 * Entry of the syntax checker's thread: parses task and common code (never runs it) so that large
 * inputs keep the main thread free. One check at a time, answered in order.
 */
import { parentPort } from 'node:worker_threads';
import type { SyntaxCheckAnswer, SyntaxCheckRequest } from '../protocol.js';
import { findSyntaxProblems } from '../source/index.js';

if (!parentPort) throw new Error('the syntax checker must run in a worker thread');
const port = parentPort;
port.on('message', ({ id, code }: SyntaxCheckRequest) => {
  const answer: SyntaxCheckAnswer = { id, problems: findSyntaxProblems(code) };
  port.postMessage(answer);
});
