// The Node.js peer in the data-plane benchmark: answers every request with the bytes of
// FILE (the echo component's response body), keep-alive, one process.
//   node server.mjs PORT FILE
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';

const [portText, file] = process.argv.slice(2);
const body = readFileSync(file);
const headers = { 'Content-Type': 'application/json', 'Content-Length': body.length };
createServer((req, res) => {
  req.resume();
  res.writeHead(200, headers);
  res.end(body);
}).listen(Number(portText), '127.0.0.1');
