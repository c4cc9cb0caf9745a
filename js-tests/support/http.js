'use strict'
// A server on loopback and a request helper, for the middleware suites (push, push-family).
const http = require('node:http')

function listen(handler) {
  return new Promise((resolve) => {
    const server = http.createServer(handler).listen(0, '127.0.0.1', () => resolve(server))
  })
}

async function request(server, method, pathAndQuery, body, type = 'application/json') {
  const { port } = server.address()
  const res = await fetch(`http://127.0.0.1:${port}${pathAndQuery}`, { method, body, headers: body ? { 'content-type': type } : {} })
  return { status: res.status, type: res.headers.get('content-type') || '', text: await res.text() }
}

const qs = (o) => '?' + new URLSearchParams(o).toString()

module.exports = { listen, request, qs }
