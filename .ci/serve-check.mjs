// Live preview in a real browser: `attest serve` on a copy of the bundled content, a
// version page open in headless Chromium, scrolled down; an edit to its source on disk
// must change the page's text with no reload by the test, at the same scroll position.
// A broken front matter must show the error banner (with file:line:col) over the last
// good page, axe-core must find no WCAG 2.2 AA violation on the served page or in the
// banner, and fixing the file must take the banner away. The search page, asking the
// preview, must find a word an edit added, in the clause it was added to.
//
// Usage: node serve-check.mjs ATTEST_BIN PROJECT_DIR RESULTS_JSON [SCREENSHOT_DIR]
// PROJECT_DIR is a scratch copy: this script edits it. Prints one line a check; writes
// {passed, failed} to RESULTS_JSON; exits 0 even when a check fails.

import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import readline from 'node:readline';
import { chromium } from 'playwright-core';

const [bin, project, resultsFile, shots] = process.argv.slice(2);
if (!bin || !project || !resultsFile) {
  console.error('usage: node serve-check.mjs ATTEST_BIN PROJECT_DIR RESULTS_JSON [SCREENSHOT_DIR]');
  process.exit(2);
}
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

let passed = 0;
let failed = 0;
function result(ok, name, detail = '') {
  if (ok) passed += 1;
  else failed += 1;
  const more = !ok && detail ? `\n       ${detail.replace(/\n/g, '\n       ')}` : '';
  console.log(`${ok ? 'ok  ' : 'FAIL'} serve: ${name}${more}`);
}

const file = path.join(project, 'content/fsm/svtad/v1.2.md');
const original = readFileSync(file, 'utf8');
const edit = (from, to) => writeFileSync(file, readFileSync(file, 'utf8').replace(from, to));
const inForce = path.join(project, 'content/fsm/svtad/v1.1.md');
const inForceText = readFileSync(inForce, 'utf8');

const server = spawn(bin, ['serve', '--port', '0', '--root', project], { stdio: ['ignore', 'pipe', 'pipe'] });
const said = [];
readline.createInterface({ input: server.stderr }).on('line', (l) => said.push(l));
const base = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error('attest serve printed no address in 120 s')), 120000);
  readline.createInterface({ input: server.stdout }).on('line', (l) => {
    said.push(l);
    const m = l.match(/^serving (http:\/\/127\.0\.0\.1:\d+)\//);
    if (m) { clearTimeout(timer); resolve(m[1]); }
  });
  server.on('exit', (code) => reject(new Error(`attest serve exited (${code}): ${said.join('\n')}`)));
});

const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  let navigations = 0;
  page.on('framenavigated', (f) => { if (f === page.mainFrame()) navigations += 1; });
  await page.goto(`${base}/fsm/svtad/v1.2/`);
  // The event stream is open once the script has run.
  await page.waitForFunction(() => performance.getEntriesByType('resource').some((r) => r.name.includes('/__attest/events')), null, { timeout: 10000 }).catch(() => {});
  await page.waitForTimeout(300);

  const axe = async (what) => {
    await page.addScriptTag({ content: axeSource });
    const r = await page.evaluate(async (tags) => {
      const out = await window.axe.run(document, { runOnly: { type: 'tag', values: tags } });
      return out.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    }, AXE_TAGS);
    result(r.length === 0, `axe finds no WCAG 2.2 AA violation ${what}`, r.join('\n'));
  };
  await axe('on a served page (with the reload script)');

  await page.evaluate(() => window.scrollTo(0, 1200));
  const before = navigations;
  edit('4.2 Each FSM TAD shall set out:', '4.2 Each FSM TAD shall set out (edited live):');
  const t0 = Date.now();
  const changed = await page
    .waitForFunction(() => document.body.innerText.includes('(edited live)'), null, { timeout: 15000 })
    .then(() => true, () => false);
  result(changed, `the page shows the edit without a manual reload (${Date.now() - t0} ms after the save)`);
  result(navigations === before + 1, 'the page reloaded itself once', `navigations: ${navigations - before}`);
  await page.waitForTimeout(300);
  const y = await page.evaluate(() => window.scrollY);
  result(Math.abs(y - 1200) <= 2, 'the reload kept the scroll position', `scrollY ${y}`);

  // An unrelated page stays as it is.
  const other = await browser.newPage();
  let otherNav = 0;
  other.on('framenavigated', (f) => { if (f === other.mainFrame()) otherNav += 1; });
  await other.goto(`${base}/accessibility/`);
  await other.waitForTimeout(500);
  const otherBefore = otherNav;

  edit('status = "draft-for-consultation"', 'status = draft-for-consultation');
  const banner = await page
    .waitForSelector('#attest-problem', { timeout: 15000 })
    .then(() => page.evaluate(() => document.getElementById('attest-problem').innerText), () => '');
  result(/content\/fsm\/svtad\/v1\.2\.md:\d+:\d+/.test(banner), 'a broken front matter shows the error banner with file:line:col', banner);
  result(await page.evaluate(() => document.body.innerText.includes('(edited live)')), 'the last good page stays under the banner');
  if (shots) await page.screenshot({ path: path.join(shots, 'serve-error-banner.png') });
  await axe('with the error banner shown');

  edit('status = draft-for-consultation', 'status = "draft-for-consultation"');
  const gone = await page
    .waitForFunction(() => !document.getElementById('attest-problem'), null, { timeout: 15000 })
    .then(() => true, () => false);
  result(gone, 'fixing the file takes the banner away');
  await other.waitForTimeout(500);
  result(otherNav === otherBefore, 'a page the edits did not change was not reloaded', `navigations: ${otherNav - otherBefore}`);

  // Search follows the edit: a word no source holds is found in the edited clause once
  // the page shows it, and the result leads to the clause.
  const search = await browser.newPage();
  const ask = async () => {
    await search.goto(`${base}/search/?q=zephyrine`);
    await search.waitForFunction(() => !/Searching/.test(document.getElementById('search-status').textContent), null, { timeout: 10000 });
    return search.evaluate(() => ({
      status: document.getElementById('search-status').textContent,
      links: [...document.querySelectorAll('#search-results a')].map((a) => a.getAttribute('href')),
    }));
  };
  const none = await ask();
  result(/^No results/.test(none.status), 'the preview search finds nothing for a word no source holds', JSON.stringify(none));
  // The version in force (v1.1) is what search covers.
  writeFileSync(inForce, inForceText.replace('4.2 Each FSM TAD shall set out:', '4.2 Each FSM TAD shall set out (zephyrine):'));
  const t1 = Date.now();
  let found = await ask();
  while (!found.links.length && Date.now() - t1 < 15000) found = await ask();
  result(found.links[0] === '/fsm/svtad/#clause-4.2', `after the edit, the preview search finds the word in the edited clause first (${Date.now() - t1} ms after the save)`, JSON.stringify(found));
  if (found.links[0]) {
    await search.click('#search-results a');
    await search.waitForURL(/#clause-4\.2$/, { timeout: 10000 }).catch(() => {});
    result(search.url().endsWith('/fsm/svtad/#clause-4.2'), 'the result leads to the clause anchor', search.url());
  }
  // Unticking "version in force only" searches the other versions in the preview too.
  await search.goto(`${base}/search/?q=${encodeURIComponent('"may publish a summary"')}&current=no`);
  await search.waitForFunction(() => !/Searching/.test(document.getElementById('search-status').textContent), null, { timeout: 10000 });
  const older = await search.evaluate(() => ({
    unticked: !document.getElementById('filter-current').checked,
    links: [...document.querySelectorAll('#search-results a')].map((a) => a.getAttribute('href')),
    meta: document.querySelector('#search-results .search-result__meta')?.textContent,
  }));
  result(
    older.unticked && older.links[0] === '/fsm/svtad/v0.2/#clause-6.7' && /versions 0\.1 to 0\.2 · submitted for approval · not the current version$/.test(older.meta || ''),
    'unticked, the preview search finds the other versions\' wording, a run of versions as one',
    JSON.stringify(older),
  );
} catch (e) {
  result(false, 'the live preview check ran to the end', String(e && e.stack || e));
} finally {
  writeFileSync(file, original);
  writeFileSync(inForce, inForceText);
  await browser.close();
  server.kill();
}

writeFileSync(resultsFile, JSON.stringify({ passed, failed }));
console.log(`(serve-check.mjs: ${passed} ok, ${failed} failing)`);
