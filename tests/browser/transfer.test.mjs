// What the 32-item exam page costs on the wire (issue 16, point 13), in the bytes Chromium
// itself reports (CDP Network.loadingFinished.encodedDataLength: headers and the body as
// sent, compressed): at most 10 KB for the HTML, CSS and JavaScript on a first visit with
// an empty cache, and only the HTML on a second visit (the assets' versioned URLs are
// cached as immutable, also for a logged-in user). The figures are written to
// tests/artifacts/exam-transfer.json.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startDaemon, uniqueEmail, PASSWORD, ARTIFACTS } from '../integration/lib/daemon.mjs';
import { launch, newPage, assertNoDialogs } from './lib/browser.mjs';

const EXAM = 'FSN-PBW-JR'; // 32 items
const BUDGET = 10 * 1024;

let d;
let browser;
before(async () => {
  d = await startDaemon();
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (d) { await d.stop(); d.cleanup(); }
});

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

function pagePart(r) {
  return ['Document', 'Stylesheet', 'Script'].includes(r.type) && !/\/sw\.js/.test(r.url);
}

test('the 32-item exam page: at most 10 KB on a first visit, the HTML alone on a second', async () => {
  const p = await newPage(browser, { width: 360, height: 800 });
  const { page, context } = p;
  await page.goto(`${d.url}/register`);
  await page.fill('#name', 'Rina Marlina');
  await page.fill('#email', uniqueEmail('xfer'));
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL(/\/me$/), page.click('form[action="/register"] button[type=submit]')]);
  // The start form is on the home page; its assets are not the exam page's and are
  // dropped from the cache below, so the first visit starts from nothing.
  await page.goto(`${d.url}/`);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.clearBrowserCache');
  await cdp.detach();

  const rec = await recorder(context, page);
  await Promise.all([
    page.waitForURL(/\/attempts\/\d+$/),
    page.click(`form[action="/exams/${EXAM}/start"] button`),
  ]);
  await page.waitForLoadState('networkidle');
  const first = rec.take().filter(pagePart);
  const items = await page.locator('fieldset.item').count();
  assert.equal(items, 32, 'the exam page has 32 items');

  await page.reload();
  await page.waitForLoadState('networkidle');
  const second = rec.take().filter(pagePart);
  await rec.stop();

  const sum = (list) => list.reduce((a, r) => a + r.bytes, 0);
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(path.join(ARTIFACTS, 'exam-transfer.json'), JSON.stringify({
    budget: BUDGET, first: { bytes: sum(first), parts: first }, second: { bytes: sum(second), parts: second },
  }, null, 1));

  const types = (list) => list.map((r) => r.type).sort();
  assert.deepEqual(types(first), ['Document', 'Script', 'Stylesheet'], `first visit: ${JSON.stringify(first)}`);
  for (const r of first) {
    assert.equal(r.status, 200, `${r.url} is sent`);
    assert.equal(r.encoding, 'gzip', `${r.url} is sent gzip-compressed`);
  }
  assert.ok(sum(first) <= BUDGET, `first visit transfers ${sum(first)} bytes (${JSON.stringify(first.map((r) => [r.type, r.bytes]))}), over ${BUDGET}`);
  // Second visit: the assets come from the cache without a request; only the HTML moves.
  const moved = second.filter((r) => !r.fromCache && r.bytes > 0);
  assert.deepEqual(moved.map((r) => r.type), ['Document'], `second visit: ${JSON.stringify(second)}`);
  assert.equal(moved[0].encoding, 'gzip');
  assertNoDialogs(p);
  await p.context.close();
});
