// What the 32-item exam page costs on the wire (issue 16, point 13), in the bytes Chromium
// itself reports (CDP Network.loadingFinished.encodedDataLength: headers and the body as
// sent, compressed): the HTML, CSS and JavaScript brotli-compressed (Chromium prefers it to
// gzip) on a first visit with an empty cache (at most 15 KB; issue 16 asks for 10 KB, kept as
// a todo below), only the HTML
// on a second visit (the assets' versioned URLs are cached as immutable, also for a
// logged-in user), and only the HTML (at most 10 KB) when the candidate comes, as every
// candidate does, through the page before the clock starts, which fetches the script ahead.
// The figures are written to tests/artifacts/exam-transfer.json and exam-transfer-path.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ARTIFACTS } from '../integration/lib/daemon.mjs';
import { newPage, assertNoDialogs, daemonAndBrowser, registerCandidate, loginCandidate } from './lib/browser.mjs';

const EXAM = 'FSN-PBW-JR'; // 32 questions and one evidence item
const BUDGET = 10 * 1024;
// What the test holds today (~14.4 KB in brotli; 15.3-15.5 KB in gzip with the build's
// minified, precompressed assets; 16.0-17.1 KB before them), against regressions.
const CEILING = 15 * 1024;
const env = daemonAndBrowser({ logLevel: 'info' }); // the access log shows what reached the server

// Records every response of the page until stop(): url, type, status, encoding and the
// bytes CDP reports for it.
async function recorder(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  const seen = new Map();
  cdp.on('Network.responseReceived', (e) => {
    seen.set(e.requestId, {
      url: e.response.url, type: e.type, status: e.response.status,
      encoding: e.response.headers['Content-Encoding'] || e.response.headers['content-encoding'] || '',
      fromCache: e.response.fromDiskCache || e.response.fromServiceWorker || false,
    });
  });
  cdp.on('Network.loadingFinished', (e) => {
    const r = seen.get(e.requestId);
    if (r) r.bytes = e.encodedDataLength;
  });
  return {
    take() {
      const list = [...seen.values()].filter((r) => r.bytes !== undefined);
      seen.clear();
      return list;
    },
    async stop() { await cdp.detach(); },
  };
}

// Starts the exam from its pre-start page and waits for the exam page to settle.
async function startExam(page) {
  await Promise.all([
    page.waitForURL(/\/attempts\/\d+$/),
    page.click(`form[action="/exams/${EXAM}/start"] button`),
  ]);
  await page.waitForLoadState('networkidle');
}

function pagePart(r) {
  return ['Document', 'Stylesheet', 'Script'].includes(r.type) && !/\/sw\.js/.test(r.url);
}

let firstVisit = null;

test('the 33-item exam page: compressed on a first visit, the HTML alone on a second', async () => {
  const { d } = env;
  const p = await newPage(env.browser, { width: 360, height: 800 });
  const { page, context } = p;
  await registerCandidate(page, d.url, 'xfer');
  // The start form is on the pre-start page; its assets are dropped from the cache below,
  // so the first visit starts from nothing.
  await page.goto(`${d.url}/exams/${EXAM}/start`);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.clearBrowserCache');
  await cdp.detach();

  const rec = await recorder(context, page);
  await startExam(page);
  const first = rec.take().filter(pagePart);
  await rec.stop();
  const items = await page.locator('fieldset.item').count();
  assert.equal(items, 33, 'the exam page has 33 items');

  // What reached the server, from its access log: "GET /path 200 <bytes> <time>ms".
  const served = (from) => d.output().slice(from).split('\n')
    .map((l) => / (GET|HEAD|POST|PUT) (\S+) (\d{3}) (\d+) /.exec(l)).filter(Boolean)
    .map((m) => ({ method: m[1], path: m[2], status: Number(m[3]), bytes: Number(m[4]) }));
  // The service worker's one copy of the page (asked for by a page it did not serve) is
  // made before the second visit starts.
  for (let i = 0; !(await page.evaluate(() => caches.match(location.pathname).then((r) => !!r))); i++) {
    assert.ok(i < 100, 'the service worker keeps a copy of the exam page');
    await page.waitForTimeout(100);
  }
  const mark = d.output().length;
  await page.reload();
  await page.waitForLoadState('networkidle');
  const second = served(mark);

  const sum = (list) => list.reduce((a, r) => a + r.bytes, 0);
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(path.join(ARTIFACTS, 'exam-transfer.json'), JSON.stringify({
    budget: BUDGET, first: { bytes: sum(first), parts: first }, second: { requests: second },
  }, null, 1));

  const types = (list) => list.map((r) => r.type).sort();
  // upload.js (the evidence item's) is fetched only once that item is touched
  assert.deepEqual(types(first), ['Document', 'Script', 'Stylesheet'], `first visit: ${JSON.stringify(first)}`);
  for (const r of first) {
    assert.equal(r.status, 200, `${r.url} is sent`);
    assert.equal(r.encoding, 'br', `${r.url} is sent brotli-compressed`);
  }
  firstVisit = first;
  assert.ok(sum(first) <= CEILING, `first visit transfers ${sum(first)} bytes, over ${CEILING}`);
  // Second visit: the versioned assets come from the cache without a request; only the
  // page itself reaches the server.
  const pages = second.filter((r) => r.path !== '/static/sw.js');
  assert.deepEqual(pages.map((r) => `${r.method} ${r.path} ${r.status}`), [`GET ${new URL(page.url()).pathname} 200`],
    `second visit: ${JSON.stringify(second)}`);
  assertNoDialogs(p);
  await p.context.close();
});

// The way candidates reach the exam page: through the page before the clock starts, which
// fetches the exam page's script ahead (rel=prefetch) while no clock runs, and uses the same
// style sheet. From an empty cache before that page, the exam page itself then transfers
// only its HTML: within the 10 KB budget, asserted on the bytes Chromium reports.
test('through the pre-start page, the exam page itself transfers at most 10 KB', async () => {
  const { d } = env;
  const p = await newPage(env.browser, { width: 360, height: 800 });
  const { page, context } = p;
  await registerCandidate(page, d.url, 'xfer-path');
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.clearBrowserCache');
  await cdp.detach();
  const rec = await recorder(context, page);
  await page.goto(`${d.url}/exams/${EXAM}/start`);
  await page.waitForLoadState('networkidle');
  const before = rec.take();
  const script = before.find((r) => /\/static\/exam\.js\?v=/.test(r.url));
  assert.ok(script && script.status === 200 && script.bytes > 0, `the pre-start page fetches exam.js ahead: ${JSON.stringify(before)}`);
  await startExam(page);
  const exam = rec.take().filter(pagePart);
  await rec.stop();
  assert.equal(await page.locator('fieldset.item').count(), 33);
  assert.ok(await page.locator('nav.qnav button').count() === 33, 'exam.js runs (the navigator is built)');
  const wire = exam.filter((r) => !r.fromCache && r.bytes > 0);
  const total = wire.reduce((a, r) => a + r.bytes, 0);
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(path.join(ARTIFACTS, 'exam-transfer-path.json'), JSON.stringify({
    budget: BUDGET, prestart: before, exam: { bytes: total, parts: exam },
  }, null, 1));
  assert.deepEqual(wire.map((r) => r.type), ['Document'], `only the HTML comes over the wire: ${JSON.stringify(exam)}`);
  assert.ok(total <= BUDGET, `the exam page transfers ${total} bytes, over ${BUDGET}`);
  assertNoDialogs(p);
  await p.context.close();
});

// Resuming on another device (or after the cache was emptied): the dashboard, where the
// candidate lands after logging in, fetches the open exam page's script ahead as the
// pre-start page does, so "Lanjutkan" brings only the exam page's HTML, within 10 KB.
test('resuming from the dashboard, the exam page itself transfers at most 10 KB', async () => {
  const { d } = env;
  const first = await newPage(env.browser, { width: 360, height: 800 });
  const email = await registerCandidate(first.page, d.url, 'xfer-resume');
  await first.page.goto(`${d.url}/exams/${EXAM}/start`);
  await startExam(first.page);
  const attempt = new URL(first.page.url()).pathname;
  await first.context.close();

  const p = await newPage(env.browser, { width: 360, height: 800 }); // a new device
  const { page, context } = p;
  const rec = await recorder(context, page);
  await loginCandidate(page, d.url, email);
  await page.waitForLoadState('networkidle');
  const dashboard = rec.take();
  const script = dashboard.find((r) => /\/static\/exam\.js\?v=/.test(r.url));
  assert.ok(script && script.status === 200 && script.bytes > 0, `the dashboard fetches exam.js ahead: ${JSON.stringify(dashboard)}`);
  await Promise.all([page.waitForURL(new RegExp(`${attempt}$`)), page.click(`a.button[href="${attempt}"]`)]);
  await page.waitForLoadState('networkidle');
  const exam = rec.take().filter(pagePart);
  await rec.stop();
  assert.ok(await page.locator('nav.qnav button').count() === 33, 'exam.js runs (the navigator is built)');
  const wire = exam.filter((r) => !r.fromCache && r.bytes > 0);
  const total = wire.reduce((a, r) => a + r.bytes, 0);
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(path.join(ARTIFACTS, 'exam-transfer-resume.json'), JSON.stringify({
    budget: BUDGET, dashboard, exam: { bytes: total, parts: exam },
  }, null, 1));
  assert.deepEqual(wire.map((r) => r.type), ['Document'], `only the HTML comes over the wire: ${JSON.stringify(exam)}`);
  assert.ok(total <= BUDGET, `the exam page transfers ${total} bytes, over ${BUDGET}`);
  assertNoDialogs(p);
  await p.context.close();
});

// The budget of issue 16 from an empty cache on the exam page itself (no pre-start page
// before it). Not met: in brotli the HTML is ~7.6 KB on the wire (its visible text alone
// ~4 KB compressed, the questions and options ~2.9 KB), exam.js 4.4 KB and app.css 2.3 KB,
// headers included; see docs/web.md (Transfer size of the exam page) for the figures of
// each step taken and measured, and why what is left cannot reach 10 KB.
test('the first visit transfers at most 10 KB', { todo: 'from an empty cache the exam page needs ~14.4 KB; see docs/web.md' }, () => {
  assert.ok(firstVisit, 'the first visit was measured');
  const total = firstVisit.reduce((a, r) => a + r.bytes, 0);
  assert.ok(total <= BUDGET, `first visit transfers ${total} bytes (${JSON.stringify(firstVisit.map((r) => [r.type, r.bytes]))}), over ${BUDGET}`);
});
