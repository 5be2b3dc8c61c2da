import http from 'node:http';

// Baseline: the least a node:http JSON answer costs on this machine.
const server = http.createServer((_req, res) => {
  const body = JSON.stringify({ result: { data: { name: 'raw', version: '0.0.0' } } });
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
});
server.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
