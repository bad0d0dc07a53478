#!/usr/bin/env node
// A tiny in-memory stand-in for the ArchStudio API, for working on the SPA
// before/without the Go stack: `node dev/mock-server.mjs` then open
// http://localhost:8787 (serves dist/) or run `API_TARGET=http://localhost:8787 npm run dev`.
// NOT a test target: the e2e suite runs against the real stack.
import { randomUUID } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const PORT = Number(process.env.PORT ?? 8787);
const DIST = fileURLToPath(new URL('../dist', import.meta.url));
const DAILY_CALLS = Number(process.env.MOCK_DAILY_CALLS ?? 50);

const users = new Map(); // login -> user
const sessions = new Map(); // sid -> {id, userId, created_at, last_seen_at, user_agent}
const chats = new Map(); // id -> chat {id,title,created_at,updated_at,userId}
const messages = new Map(); // chatId -> [msg]
const artifacts = []; // all versions
const generations = new Map(); // chatId -> {events:[], done:boolean, listeners:Set, stopped}
const prefs = new Map();
const usage = new Map(); // userId -> {calls,tokens}
let eventSeq = 0;

const now = () => new Date().toISOString();
const defaultPrefs = () => ({
  schema_version: 2,
  theme: 'system',
  model: 'claude-sonnet-4-5',
  voice: { input_mode: 'keyboard', voice: 'alloy', speaking_rate: 1, auto_speak: false },
  github: { default_repo: '', mention_claude: false },
  retention_days: 30,
});

function send(res, status, body, headers = {}) {
  if (status === 204) {
    res.writeHead(204, headers);
    return res.end();
  }
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
const fail = (res, status, code, message, extra = {}) =>
  send(res, status, { error: { code, message, request_id: randomUUID(), ...extra } });

function cookieSid(req) {
  const m = /(?:^|;\s*)mock_session=([^;]+)/.exec(req.headers.cookie ?? '');
  return m?.[1];
}
function currentUser(req) {
  const sid = cookieSid(req);
  const s = sid && sessions.get(sid);
  if (!s) return null;
  s.last_seen_at = now();
  return { user: [...users.values()].find((u) => u.id === s.userId), sid };
}

async function body(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : {};
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function replyFor(content) {
  const c = content.toLowerCase();
  const text = [
    `Good question. Here is how I would approach **${content.slice(0, 60)}**:\n\n`,
    '1. Start from the **domain boundaries**.\n',
    '2. Keep the write path simple and idempotent.\n',
    '3. Measure before you optimise.\n\n',
  ];
  let artifact = null;
  if (c.includes('diagram') || c.includes('mermaid')) {
    artifact = {
      identifier: 'architecture',
      type: 'application/vnd.ant.mermaid',
      title: 'System architecture',
      language: '',
      content:
        'graph TD\n  Browser[Browser] --> Router[Router]\n  Router --> Auth[Auth function]\n  Router --> Chats[Chats function]\n  Router --> Stream[Stream function]\n  Chats --> PG[(PostgreSQL)]\n  Stream --> Redis[(Redis)]\n  Stream --> Claude[Claude API]\n',
    };
  } else if (c.includes('html')) {
    artifact = {
      identifier: 'page',
      type: 'text/html',
      title: 'Landing page',
      language: '',
      content:
        '<!doctype html><html><body style="font-family:sans-serif"><h1>Hello from HTML</h1><button onclick="this.textContent=\'Clicked\'">Click</button><script>document.body.append(" · script ran");fetch("http://localhost:' +
        PORT +
        '/api/auth/me").then(function(){document.body.append(" · fetch allowed")},function(){document.body.append(" · fetch blocked")})</script></body></html>',
    };
  } else if (c.includes('react')) {
    artifact = {
      identifier: 'counter',
      type: 'application/vnd.ant.react',
      title: 'Counter',
      language: '',
      content:
        "import { useState } from 'react';\nimport { Plus } from 'lucide-react';\n\nexport default function Counter() {\n  const [n, setN] = useState(0);\n  return (\n    <div style={{ padding: 12 }}>\n      <h2>Count: {n}</h2>\n      <button onClick={() => setN(n + 1)}><Plus /> Add</button>\n    </div>\n  );\n}\n",
    };
  } else if (c.includes('svg')) {
    artifact = {
      identifier: 'logo',
      type: 'image/svg+xml',
      title: 'Logo',
      language: '',
      content:
        '<svg viewBox="0 0 120 60" xmlns="http://www.w3.org/2000/svg"><rect width="120" height="60" rx="8" fill="#2f5bd3"/><text x="60" y="38" text-anchor="middle" fill="#fff" font-size="20">Arch</text></svg>',
    };
  } else if (c.includes('code') || c.includes('go ')) {
    artifact = {
      identifier: 'server',
      type: 'application/vnd.ant.code',
      title: 'server.go',
      language: 'go',
      content:
        'package main\n\nimport (\n\t"log"\n\t"net/http"\n)\n\nfunc main() {\n\thttp.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) {\n\t\tw.Write([]byte("ok"))\n\t})\n\tlog.Fatal(http.ListenAndServe(":8080", nil))\n}\n',
    };
  } else if (c.includes('doc') || c.includes('adr')) {
    artifact = {
      identifier: 'adr',
      type: 'text/markdown',
      title: 'ADR-001: Sessions in Redis',
      language: '',
      content:
        '# ADR-001: Sessions in Redis\n\n## Context\nSessions are read on every request.\n\n## Decision\nStore them in **Redis** with a TTL.\n\n| Option | Latency |\n|---|---|\n| PostgreSQL | 2 ms |\n| Redis | 0.3 ms |\n',
    };
  }
  const long = c.includes('long') || c.includes('essay');
  if (long)
    for (let i = 0; i < 60; i++)
      text.push(`Paragraph ${i + 1}: distributed systems trade consistency, availability and latency. `);
  text.push('Let me know what to refine.');
  return { text, artifact, delay: long ? 120 : 35 };
}

function emit(gen, type, data) {
  const ev = { id: String(++eventSeq), type, data };
  gen.events.push(ev);
  for (const l of gen.listeners) l(ev);
  if (type === 'done') gen.done = true;
}

async function generate(chat, userMsg, user) {
  const gen = { events: [], done: false, listeners: new Set(), stopped: false };
  generations.set(chat.id, gen);
  const list = messages.get(chat.id);
  const assistant = {
    id: randomUUID(),
    role: 'assistant',
    content: '',
    status: 'streaming',
    model: 'mock-claude',
    input_tokens: 0,
    output_tokens: 0,
    created_at: now(),
  };
  list.push(assistant);
  emit(gen, 'message_start', {
    chat_id: chat.id,
    user_message_id: userMsg.id,
    assistant_message_id: assistant.id,
    model: 'mock-claude',
  });
  const { text, artifact, delay } = replyFor(userMsg.content);
  const half = Math.ceil(text.length / 2);
  const step = async (t) => {
    await sleep(delay);
    if (gen.stopped) return false;
    assistant.content += t;
    emit(gen, 'delta', { text: t });
    return true;
  };
  let ok = true;
  for (const t of text.slice(0, half)) if (ok) ok = await step(t);
  if (ok && artifact) {
    const version = artifacts.filter((a) => a.chat_id === chat.id && a.identifier === artifact.identifier).length + 1;
    emit(gen, 'artifact_start', {
      identifier: artifact.identifier,
      type: artifact.type,
      title: artifact.title,
      language: artifact.language,
      version,
    });
    const lines = artifact.content.match(/[^\n]*\n?/g).filter(Boolean);
    for (const line of lines) {
      await sleep(delay);
      if (gen.stopped) break;
      emit(gen, 'artifact_delta', { identifier: artifact.identifier, text: line });
    }
    const stored = {
      ...artifact,
      id: randomUUID(),
      chat_id: chat.id,
      message_id: assistant.id,
      version,
      created_at: now(),
      content: version > 1 ? `${artifact.content}\n` : artifact.content,
    };
    artifacts.push(stored);
    emit(gen, 'artifact_end', { identifier: artifact.identifier, version, id: stored.id });
  }
  for (const t of text.slice(half)) if (ok) ok = await step(t);
  assistant.input_tokens = 120;
  assistant.output_tokens = Math.round(assistant.content.length / 4);
  const u = usage.get(user.id);
  u.tokens += assistant.input_tokens + assistant.output_tokens;
  emit(gen, 'usage', { input_tokens: assistant.input_tokens, output_tokens: assistant.output_tokens });
  assistant.status = gen.stopped ? 'stopped' : 'complete';
  chat.updated_at = now();
  emit(gen, 'done', { status: assistant.status });
}

function streamTo(res, gen, afterId) {
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
  const write = (ev) => res.write(`id: ${ev.id}\nevent: ${ev.type}\ndata: ${JSON.stringify(ev.data)}\n\n`);
  const after = Number(afterId || 0);
  for (const ev of gen.events) if (Number(ev.id) > after) write(ev);
  if (gen.done) return res.end();
  const l = (ev) => {
    write(ev);
    if (ev.type === 'done') {
      gen.listeners.delete(l);
      res.end();
    }
  };
  gen.listeners.add(l);
  res.on('close', () => gen.listeners.delete(l));
}

const types = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

function serveStatic(req, res, path) {
  let file = normalize(join(DIST, path));
  if (!file.startsWith(DIST) || !existsSync(file) || statSync(file).isDirectory()) file = join(DIST, 'index.html');
  if (!existsSync(file)) return send(res, 404, { error: 'run npm run build first' });
  res.writeHead(200, {
    // MOCK_CSP lets you try a Content-Security-Policy against the SPA (the
    // preview document needs a policy of its own, see README.md).
    ...(process.env.MOCK_CSP && file === join(DIST, 'index.html')
      ? { 'Content-Security-Policy': process.env.MOCK_CSP }
      : {}),
    'Content-Type': types[extname(file)] ?? 'application/octet-stream',
    'Cache-Control': path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  createReadStream(file).pipe(res);
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url, `http://${req.headers.host}`);
  const p = url.pathname;
  const m = req.method;
  try {
    if (!p.startsWith('/api/')) return serveStatic(req, res, p);
    if (p === '/api/auth/providers') return send(res, 200, { github: false, dev: true });
    if (p === '/api/auth/github')
      return send(res, 404, { error: { code: 'not_found', message: 'GitHub is not configured' } });
    if (p === '/api/auth/dev' && m === 'POST') {
      const { username } = await body(req);
      if (!/^[A-Za-z0-9-]{1,39}$/.test(username ?? ''))
        return fail(res, 400, 'invalid_argument', 'invalid username', { field: 'username' });
      let user = users.get(username);
      if (!user) {
        user = {
          id: randomUUID(),
          login: username,
          avatar_url: '',
          email: `${username}@example.com`,
          scopes: [],
          limits: { daily_calls: DAILY_CALLS, daily_tokens: 200000 },
        };
        users.set(username, user);
        usage.set(user.id, { calls: 0, tokens: 0 });
      }
      const sid = randomUUID();
      sessions.set(sid, {
        id: sid,
        userId: user.id,
        created_at: now(),
        last_seen_at: now(),
        user_agent: req.headers['user-agent'] ?? '',
      });
      return send(res, 200, user, { 'Set-Cookie': `mock_session=${sid}; Path=/; HttpOnly; SameSite=Lax` });
    }
    const auth = currentUser(req);
    if (!auth) return fail(res, 401, 'unauthenticated', 'sign in');
    const { user, sid } = auth;
    if (p === '/api/auth/me') return send(res, 200, user);
    if (p === '/api/auth/logout' && m === 'POST') {
      sessions.delete(sid);
      return send(res, 204, null, { 'Set-Cookie': 'mock_session=; Path=/; Max-Age=0' });
    }
    if (p === '/api/auth/logout-all' && m === 'POST') {
      for (const [k, s] of sessions) if (s.userId === user.id) sessions.delete(k);
      return send(res, 204, null);
    }
    if (p === '/api/auth/sessions') {
      const list = [...sessions.values()]
        .filter((s) => s.userId === user.id)
        .map((s) => ({
          id: s.id,
          created_at: s.created_at,
          last_seen_at: s.last_seen_at,
          user_agent: s.user_agent,
          current: s.id === sid,
        }));
      return send(res, 200, { sessions: list });
    }
    let mm;
    if ((mm = /^\/api\/auth\/sessions\/([^/]+)$/.exec(p)) && m === 'DELETE') {
      const s = sessions.get(mm[1]);
      if (!s || s.userId !== user.id) return fail(res, 404, 'not_found', 'not found');
      sessions.delete(mm[1]);
      return send(res, 204, null);
    }
    if (p === '/api/client-errors') return send(res, 204, null);
    if (p === '/api/usage') {
      const u = usage.get(user.id);
      const today = now().slice(0, 10);
      return send(res, 200, {
        today: { date: today, api_calls: u.calls, tokens_used: u.tokens },
        limits: user.limits,
        resets_at: `${new Date(Date.now() + 864e5).toISOString().slice(0, 10)}T00:00:00Z`,
        history: [{ date: today, api_calls: u.calls, tokens_used: u.tokens }],
      });
    }
    if (p === '/api/preferences') {
      const cur = prefs.get(user.id) ?? defaultPrefs();
      if (m === 'GET') return send(res, 200, cur);
      const patch = await body(req);
      const next = JSON.parse(JSON.stringify(cur));
      const merge = (t, s) => {
        for (const [k, v] of Object.entries(s)) {
          if (v === null) delete t[k];
          else if (typeof v === 'object' && !Array.isArray(v)) merge((t[k] ??= {}), v);
          else t[k] = v;
        }
      };
      merge(next, patch);
      if (next.voice.voice === 'robot')
        return fail(res, 400, 'invalid_argument', 'voice "robot" is not available', { field: 'voice.voice' });
      if (next.voice.speaking_rate < 0.5 || next.voice.speaking_rate > 2)
        return fail(res, 400, 'invalid_argument', 'speaking_rate out of range', { field: 'voice.speaking_rate' });
      prefs.set(user.id, next);
      return send(res, 200, next);
    }
    if (p === '/api/chats' && m === 'GET') {
      const q = (url.searchParams.get('q') ?? '').toLowerCase();
      const list = [...chats.values()]
        .filter((c) => c.userId === user.id && c.title.toLowerCase().includes(q))
        .sort((a, b) => b.updated_at.localeCompare(a.updated_at));
      return send(res, 200, { chats: list.map(({ userId, ...c }) => c), next_cursor: null });
    }
    if (p === '/api/chats' && m === 'POST') {
      const { title } = await body(req);
      const c = { id: randomUUID(), title: title || 'New chat', created_at: now(), updated_at: now(), userId: user.id };
      chats.set(c.id, c);
      messages.set(c.id, []);
      const { userId, ...out } = c;
      return send(res, 201, out);
    }
    if ((mm = /^\/api\/chats\/([^/]+)(\/.*)?$/.exec(p))) {
      const chat = chats.get(mm[1]);
      if (!chat || chat.userId !== user.id) return fail(res, 404, 'not_found', 'chat not found');
      const rest = mm[2] ?? '';
      const { userId, ...pub } = chat;
      if (!rest && m === 'GET') return send(res, 200, pub);
      if (!rest && m === 'PATCH') {
        chat.title = (await body(req)).title;
        return send(res, 200, { ...pub, title: chat.title });
      }
      if (!rest && m === 'DELETE') {
        chats.delete(chat.id);
        return send(res, 204, null);
      }
      if (rest === '/messages' && m === 'GET')
        return send(res, 200, { messages: messages.get(chat.id), next_cursor: null });
      if (rest === '/messages' && m === 'POST') {
        const u = usage.get(user.id);
        if (u.calls >= user.limits.daily_calls) {
          const resets = `${new Date(Date.now() + 864e5).toISOString().slice(0, 10)}T00:00:00Z`;
          return fail(res, 429, 'quota_exceeded', 'Daily call limit reached', {
            limit: user.limits.daily_calls,
            used: u.calls,
            resets_at: resets,
          });
        }
        u.calls++;
        const { content } = await body(req);
        const userMsg = {
          id: randomUUID(),
          role: 'user',
          content,
          status: 'complete',
          model: '',
          input_tokens: 0,
          output_tokens: 0,
          created_at: now(),
        };
        messages.get(chat.id).push(userMsg);
        chat.updated_at = now();
        void generate(chat, userMsg, user);
        return streamTo(res, generations.get(chat.id), 0);
      }
      if ((mm = /^\/messages\/([^/]+)$/.exec(rest)) && m === 'DELETE') {
        const list = messages.get(chat.id);
        const i = list.findIndex((x) => x.id === mm[1]);
        if (i < 0) return fail(res, 404, 'not_found', 'message not found');
        const gone = new Set(list.slice(i).map((x) => x.id));
        list.splice(i);
        for (let j = artifacts.length - 1; j >= 0; j--) if (gone.has(artifacts[j].message_id)) artifacts.splice(j, 1);
        return send(res, 204, null);
      }
      if (rest === '/events') {
        const gen = generations.get(chat.id);
        if (!gen) return fail(res, 404, 'not_found', 'no generation');
        return streamTo(res, gen, req.headers['last-event-id'] ?? url.searchParams.get('last_event_id'));
      }
      if (rest === '/stop' && m === 'POST') {
        const gen = generations.get(chat.id);
        if (gen) gen.stopped = true;
        return send(res, 204, null);
      }
      if (rest === '/artifacts') {
        const latest = new Map();
        for (const a of artifacts.filter((x) => x.chat_id === chat.id))
          if ((latest.get(a.identifier)?.version ?? 0) < a.version) latest.set(a.identifier, a);
        return send(res, 200, { artifacts: [...latest.values()] });
      }
      if ((mm = /^\/artifacts\/([^/]+)\/versions$/.exec(rest))) {
        return send(res, 200, {
          versions: artifacts
            .filter((x) => x.chat_id === chat.id && x.identifier === decodeURIComponent(mm[1]))
            .sort((a, b) => a.version - b.version),
        });
      }
      if (rest === '/export') {
        res.writeHead(200, {
          'Content-Type': 'text/markdown',
          'Content-Disposition': 'attachment; filename="chat.md"',
        });
        return res.end(
          messages
            .get(chat.id)
            .map((x) => `**${x.role}**: ${x.content}`)
            .join('\n\n'),
        );
      }
    }
    if ((mm = /^\/api\/artifacts\/([^/]+)(\/raw)?$/.exec(p))) {
      const a = artifacts.find((x) => x.id === mm[1] && chats.get(x.chat_id)?.userId === user.id);
      if (!a) return fail(res, 404, 'not_found', 'artifact not found');
      if (!mm[2]) return send(res, 200, a);
      res.writeHead(200, {
        'Content-Type': 'text/plain; charset=utf-8',
        'Content-Disposition': `attachment; filename="${a.identifier}"`,
      });
      return res.end(a.content);
    }
    return fail(res, 404, 'not_found', 'no such endpoint');
  } catch (e) {
    console.error(e);
    return fail(res, 500, 'internal', 'internal error');
  }
});

server.listen(PORT, '127.0.0.1', () => console.log(`mock API + dist on http://localhost:${PORT}`));
