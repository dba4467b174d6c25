// `autodata report` opened in a real browser: a real tiny run on the in-process sim, the real CLI as a
// child process, and the page opened from file:// in Debian's Chromium (driven by playwright-core,
// which never downloads a browser). Every request is recorded: the page must need nothing but
// itself. Skipped, saying why, on a machine without /usr/bin/chromium (CI installs it: .ci/run).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.ts';
import { bin, loadTiny, repoRoot, runInProcess, writeTinyExperiment } from '../outer/support.ts';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = fs.existsSync(CHROMIUM);
const SKIP_REASON = `${CHROMIUM} is missing: install Debian's chromium package (apt-get install -y chromium) to run the browser test`;
if (!hasChromium) console.warn(`report-browser.test.ts skipped: ${SKIP_REASON}`);

const SCREENSHOT_COPY = '/tmp/autodata-report-screenshot.png';
const HOSTILE = '<script>alert(1)</script> clear\u001b[2J';

describe.skipIf(!hasChromium)('autodata report in Chromium', () => {
  let temp: string;
  let reportFile: string;
  let context: BrowserContext;

  beforeAll(async () => {
    temp = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-report-browser-'));
    const runDir = path.join(temp, 'run');
    // Seed 2 accepts a child at iteration 1 (and rejects iteration 2's): the report has a diff against
    // the baseline. Pinned after the sim's retune (26e634c), under which seed 11 accepts no child.
    const experiment = writeTinyExperiment(temp, 'tiny', {
      seed: 2,
      outer: {
        iterations: 2, concurrentIterations: 2, trainMinibatchSize: 2, validationLimit: 3,
        parentSelection: { kind: 'boltzmann', temperature: 0.1 }, acceptance: { kind: 'strict' }, implementerRetries: 1, finalTest: true, testLimit: 2,
      },
    });
    await runInProcess(loadTiny(experiment), runDir);
    // A hostile edit summary, as a model could write it, on the best candidate.
    const store = openStore(path.join(runDir, 'run.sqlite'));
    try {
      store.db.prepare(`UPDATE candidate SET edit_summary = ? WHERE id = 'c0001'`).run(HOSTILE);
    } finally {
      store.close();
    }
    reportFile = path.join(temp, 'out', 'report.html');
    const printed = execFileSync(process.execPath, [bin, 'report', runDir, '--out', reportFile], { cwd: repoRoot, encoding: 'utf8' });
    expect(printed).toBe(`wrote ${reportFile}\n`);

    context = await chromium.launchPersistentContext(fs.mkdtempSync(path.join(temp, 'profile-')), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1200, height: 900 },
    });
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    if (temp) fs.rmSync(temp, { recursive: true, force: true });
  });

  it('opens offline: only the file itself is requested, no console error, no script; the curve, banner, diff and history are drawn', async () => {
    const fileUrl = pathToFileURL(reportFile).href;
    const requests: string[] = [];
    const problems: string[] = [];
    // Anything but the file itself is recorded and refused; file:// loads are recorded by the request event.
    await context.route('**/*', (route) => (route.request().url() === fileUrl ? route.continue() : route.abort()));
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('request', (request) => requests.push(request.url()));
    page.on('websocket', (socket) => requests.push(socket.url()));
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('dialog', (dialog) => {
      problems.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });

    await page.goto(fileUrl, { waitUntil: 'load' });
    await page.waitForTimeout(300);

    const facts = await page.evaluate(() => {
      const section = (id: string) => document.getElementById(id);
      const svg = document.querySelector('#curve svg');
      return {
        scripts: document.querySelectorAll('script').length,
        externalish: document.querySelectorAll('link, img, iframe, object, embed, image, use, [src], [href]').length,
        banner: document.getElementById('simulated-banner')?.textContent ?? null,
        bannerTop: document.getElementById('simulated-banner')?.getBoundingClientRect().top ?? null,
        paths: svg?.querySelectorAll('path').length ?? 0,
        svgWidth: svg?.getBoundingClientRect().width ?? 0,
        added: section('diff')?.querySelectorAll('pre.diff span.add').length ?? 0,
        addedColour: (() => {
          const line = section('diff')?.querySelector('pre.diff span.add');
          return line ? getComputedStyle(line).backgroundColor : null;
        })(),
        diffText: section('diff')?.textContent ?? '',
        historyRows: section('history')?.querySelectorAll('tbody tr').length ?? 0,
        historyText: section('history')?.textContent ?? '',
        examples: section('examples')?.querySelectorAll('.example').length ?? 0,
        failuresRows: section('failures')?.querySelectorAll('tbody tr').length ?? 0,
        costText: section('cost')?.textContent ?? '',
        testText: section('final-test')?.textContent ?? '',
      };
    });

    expect(requests).toEqual([fileUrl]);
    expect(problems).toEqual([]);
    expect(facts.scripts).toBe(0);
    expect(facts.externalish).toBe(0);
    expect(facts.banner).toMatch(/^Simulated data\./);
    expect(facts.bannerTop).toBeLessThan(40);
    expect(facts.paths).toBeGreaterThan(5);
    expect(facts.svgWidth).toBeGreaterThan(300);
    expect(facts.added).toBeGreaterThan(0);
    expect(facts.addedColour).toBe('rgb(230, 255, 236)');
    // The hostile summary is shown as text (the ESC as a visible escape), not run.
    expect(facts.diffText).toContain('edit: <script>alert(1)</script> clear\\x1b[2J');
    expect(facts.historyRows).toBe(3);
    expect(facts.historyText).toMatch(/Iteration 1: accepted/);
    expect(facts.historyText).toMatch(/edit attempt 1: applied/);
    expect(facts.examples).toBeGreaterThan(0);
    expect(facts.failuresRows).toBe(5);
    expect(facts.costText).toMatch(/challenger/);
    expect(facts.testText).toMatch(/2 test documents/);

    const screenshot = path.join(temp, 'report.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    fs.copyFileSync(screenshot, SCREENSHOT_COPY);
    expect(fs.statSync(SCREENSHOT_COPY).size).toBeGreaterThan(20_000);
  }, 60_000);
});

describe.skipIf(hasChromium)('autodata report in Chromium', () => {
  it(`skipped: ${SKIP_REASON}`, () => {
    expect(hasChromium).toBe(false);
  });
});
